#!/usr/bin/env python3
# The classic Python socket tutorial's multi-connection client (selectors), as the tutorial writes it; host, port and the number
# of connections come from the command line, and a summary line and a deadline make it testable.
import selectors
import socket
import sys
import time
import types

sel = selectors.DefaultSelector()
messages = [b'Message 1 from client.', b'Message 2 from client.']
totals = {'received': 0, 'expected': 0, 'closed': 0}


def start_connections(host, port, num_conns):
    server_addr = (host, port)
    for i in range(0, num_conns):
        connid = i + 1
        print('starting connection', connid, 'to', server_addr)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex(server_addr)
        events = selectors.EVENT_READ | selectors.EVENT_WRITE
        data = types.SimpleNamespace(connid=connid,
                                     msg_total=sum(len(m) for m in messages),
                                     recv_total=0,
                                     messages=list(messages),
                                     outb=b'')
        totals['expected'] += data.msg_total
        sel.register(sock, events, data=data)


def service_connection(key, mask):
    sock = key.fileobj
    data = key.data
    if mask & selectors.EVENT_READ:
        recv_data = sock.recv(1024)  # Should be ready to read
        if recv_data:
            print('received', repr(recv_data), 'from connection', data.connid)
            data.recv_total += len(recv_data)
            totals['received'] += len(recv_data)
        if not recv_data or data.recv_total == data.msg_total:
            print('closing connection', data.connid)
            totals['closed'] += 1
            sel.unregister(sock)
            sock.close()
            return
    if mask & selectors.EVENT_WRITE:
        if not data.outb and data.messages:
            data.outb = data.messages.pop(0)
        if data.outb:
            print('sending', repr(data.outb), 'to connection', data.connid)
            sent = sock.send(data.outb)  # Should be ready to write
            data.outb = data.outb[sent:]


host, port, num_conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
start_connections(host, port, num_conns)
deadline = time.monotonic() + 30
try:
    while sel.get_map() and time.monotonic() < deadline:
        events = sel.select(timeout=1)
        for key, mask in events:
            service_connection(key, mask)
finally:
    sel.close()
print('summary: received %d of %d bytes, closed %d of %d connections'
      % (totals['received'], totals['expected'], totals['closed'], num_conns))
sys.exit(0 if totals['received'] == totals['expected'] else 1)
