#!/usr/bin/env python3
"""A small stand-in for systemd, for the tests: it holds listening sockets, passes them to the program it
starts as systemd does (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES; descriptors 3 and up), or the first one
as standard input (StandardInput=socket), listens on a notify socket (NOTIFY_SOCKET) and keeps the
sockets open while the program is stopped and started again: what systemd-socket-activate cannot do, as
it execs the program in place and holds nothing after.

    service_manager.py [--notify] [--watchdog-usec N] [--stdin-socket]
                       --listen tcp:127.0.0.1:0:NAME [--listen udp:[::1]:0:NAME ...] -- COMMAND ARGS...

It prints one line per event on standard output:
    listening NAME tcp 127.0.0.1 PORT     a socket it holds (the port the system chose for 0)
    started PID                           the program started
    notify READY=1|STATUS=...             a message on the notify socket, lines joined by |
    exited STATUS                         the program ended (negative: killed by that signal)
and reads commands on standard input: start, term (SIGTERM and wait), kill (SIGKILL and wait),
restart (term, then start at once), quit. SIGTERM to it stops the program and ends it. The program's
standard output and error are its own.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

FIRST_FD = 3
LOW = 100  # where the held sockets wait, out of the way of 3.. in the child

lock = threading.Lock()


def say(line):
    with lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def listen(spec):
    kind, rest = spec.split(":", 1)
    host_port, name = rest.rsplit(":", 1)
    host, port = host_port.rsplit(":", 1)
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    if kind == "tcp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    if kind == "tcp":
        s.listen(4096)
    say("listening %s %s %s %d" % (name, kind, host, s.getsockname()[1]))
    return s, name


def notify_reader(sock):
    while True:
        try:
            data = sock.recv(4096)
        except OSError:
            return
        say("notify " + data.decode("utf-8", "replace").strip("\n").replace("\n", "|"))


class Child:
    def __init__(self, args, sockets, notify_path, watchdog_usec, stdin_socket):
        self.args = args
        self.sockets = sockets
        self.notify_path = notify_path
        self.watchdog_usec = watchdog_usec
        self.stdin_socket = stdin_socket
        self.process = None
        self.waiter = None

    def start(self):
        env = dict(os.environ)
        for key in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
            env.pop(key, None)
        if self.notify_path:
            env["NOTIFY_SOCKET"] = self.notify_path
        if self.watchdog_usec:
            env["WATCHDOG_USEC"] = str(self.watchdog_usec)
        if self.stdin_socket:
            self.process = subprocess.Popen(self.args, env=env, stdin=self.sockets[0][0].fileno())
        else:
            # the sockets go to 3, 4, ... in the child (every other descriptor of ours is close-on-exec), and
            # the shell says its own pid, which exec keeps
            count = len(self.sockets)

            def place_sockets():
                for i in range(count):
                    os.dup2(LOW + i, FIRST_FD + i, inheritable=True)

            env["LISTEN_FDS"] = str(count)
            env["LISTEN_FDNAMES"] = ":".join(name for _, name in self.sockets)
            self.process = subprocess.Popen(["sh", "-c", "LISTEN_PID=$$ exec \"$@\"", "sh"] + self.args, env=env,
                                            stdin=subprocess.DEVNULL, close_fds=False, preexec_fn=place_sockets)
        say("started %d" % self.process.pid)
        process = self.process
        self.waiter = threading.Thread(target=lambda: say("exited %d" % process.wait()), daemon=True)
        self.waiter.start()

    def stop(self, sig):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
        if self.waiter:
            self.waiter.join(120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", action="append", default=[])
    parser.add_argument("--notify", action="store_true")
    parser.add_argument("--watchdog-usec", type=int, default=0)
    parser.add_argument("--stdin-socket", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command

    sockets = [listen(spec) for spec in options.listen]
    for i, (s, _) in enumerate(sockets):
        os.dup2(s.fileno(), LOW + i, inheritable=False)
    notify_path = None
    if options.notify:
        folder = tempfile.mkdtemp(prefix="notify")
        notify_path = os.path.join(folder, "notify")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        threading.Thread(target=notify_reader, args=(notify,), daemon=True).start()
        say("notify-socket " + notify_path)

    child = Child(command, sockets, notify_path, options.watchdog_usec, options.stdin_socket)

    def on_term(signum, frame):
        child.stop(signal.SIGTERM)
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    for line in sys.stdin:
        order = line.strip()
        if order == "start":
            child.start()
        elif order == "term":
            child.stop(signal.SIGTERM)
        elif order == "kill":
            child.stop(signal.SIGKILL)
        elif order == "restart":
            child.stop(signal.SIGTERM)
            child.start()
        elif order == "quit":
            break
        else:
            say("unknown order " + order)
    child.stop(signal.SIGTERM)


if __name__ == "__main__":
    main()
