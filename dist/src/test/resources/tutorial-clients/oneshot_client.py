#!/usr/bin/env python
# The socket tutorial's one-shot client, as written, with host and port from the command line.
import socket
import sys

ip_port = (sys.argv[1], int(sys.argv[2]))
# 创建socket实例,参数不填的话就采用ipv4协议通过tcp传输
sk = socket.socket()
sk.settimeout(10)

sk.connect(ip_port)
client_send = 'I am client.'.encode('utf-8')
sk.send(client_send)
server_reply = sk.recv(1024)

print(server_reply)
sk.close()
