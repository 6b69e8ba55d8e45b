#!/usr/bin/env python3
# The socket tutorial's greeting client, as written, with host and port from the command line: it
# sends each name without a newline and waits for the answer, as its server answers each recv().
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(10)
# 建立連線:
s.connect((sys.argv[1], int(sys.argv[2])))
# 接收歡迎訊息:
print(s.recv(1024).decode('utf-8'))
for data in [b'michael', b'tracy', b'sarah']:
    # 傳送資料:
    s.send(data)
    print(s.recv(1024).decode('utf-8'))
s.send(b'exit')
s.close()
