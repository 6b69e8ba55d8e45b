#!/usr/bin/env python3
# The classic Python socket tutorial's echo client, with host and port from the command line.
import socket
import sys

HOST = sys.argv[1]        # The server's hostname or IP address
PORT = int(sys.argv[2])   # The port used by the server

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(10)
    s.connect((HOST, PORT))
    s.sendall("Hello, world".encode("utf8"))
    data = s.recv(1024)
    print('Received', data.decode("utf8"))
