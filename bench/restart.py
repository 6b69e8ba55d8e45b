#!/usr/bin/env python3
"""A whole-host restart, timed: the longest a client waits for an answer across a restart (systemctl
restart; here the stand-in for systemd of the tests, dist/src/test/resources/service_manager.py), which is
the time from the restart order to the first request the new process answers, and the requests refused or
failed meanwhile, with the sockets held by the service manager and, as the peer, with netsvc
binding its own (what a restart without socket activation does). Clients send a request every 5 ms
through each restart, new connection each time. Server on core 0, clients on core 1.

    bench/restart.py DIST [ROUNDS]        # DIST: an unpacked netsvc (dist/target/netsvc-0.1.0)

Default configuration (start cache on, warmed first), http serving www/index.html.
"""
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MANAGER = os.path.join(HERE, "..", "dist", "src", "test", "resources", "service_manager.py")
READY = re.compile(r"netsvc ready: \d+ of \d+")


def get(port, timeout=30.0):
    """One GET / on a new connection: True when answered 200, 'refused' when nothing listened."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            return data.startswith(b"HTTP/1.1 200")
    except ConnectionRefusedError:
        return "refused"
    except OSError:
        return False


class Load:
    """A request every 5 ms until stopped, each on a new connection: when sent, when done, how it ended."""

    def __init__(self, port):
        self.port = port
        self.results = []
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            sent = time.monotonic()
            r = get(self.port)
            self.results.append((sent, time.monotonic(), r))
            time.sleep(0.005)

    def stop(self):
        self.running = False
        self.thread.join()

    def outage(self, since):
        """The longest a client saw no answer after `since`: from a request's sending to its answer, or across
        refusals from the first refused request to the next answered one."""
        worst, refused_from = 0.0, None
        for sent, done, r in self.results:
            if sent < since:
                continue
            if r == "refused":
                refused_from = refused_from or sent
            elif r is True:
                worst = max(worst, done - (refused_from or sent))
                refused_from = None
        return worst

    def count(self, what):
        return sum(1 for _, _, r in self.results if r == what or (what is False and r not in (True, "refused")))


class Held:
    """netsvc under service_manager.py, which holds the port."""

    def __init__(self, dist, tmp):
        self.p = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-u", MANAGER, "--listen", "tcp:127.0.0.1:0:http",
                                   "--", os.path.join(dist, "bin", "netsvc"), "run", "--enable", "http",
                                   "--set", "admin.port=0", "--set", "admin.socket=" + os.path.join(tmp, "held.sock")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.ready = threading.Semaphore(0)
        threading.Thread(target=self.watch, args=(self.p.stderr,), daemon=True).start()
        line = self.p.stdout.readline()
        self.port = int(line.split()[-1])
        self.order("start")
        self.ready.acquire()

    def watch(self, stream):
        for line in stream:
            if READY.search(line):
                self.ready.release()

    def order(self, what):
        self.p.stdin.write(what + "\n")
        self.p.stdin.flush()

    def restart(self):
        self.order("restart")

    def wait_ready(self):
        self.ready.acquire()

    def close(self):
        self.order("quit")
        self.p.wait(60)


class Own:
    """netsvc binding its own port, restarted by SIGTERM and a new start."""

    def __init__(self, dist, tmp):
        self.dist = dist
        self.tmp = tmp
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.ready = threading.Semaphore(0)
        self.start()
        self.ready.acquire()

    def start(self):
        self.p = subprocess.Popen(["taskset", "-c", "0", os.path.join(self.dist, "bin", "netsvc"), "run", "--enable", "http",
                                   "--set", "http.port=%d" % self.port, "--set", "admin.port=0",
                                   "--set", "admin.socket=" + os.path.join(self.tmp, "own.sock")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self.watch, args=(self.p.stderr,), daemon=True).start()

    def watch(self, stream):
        for line in stream:
            if READY.search(line):
                self.ready.release()

    def restart(self):
        self.p.terminate()
        self.p.wait(60)
        self.start()

    def wait_ready(self):
        self.ready.acquire()

    def close(self):
        self.p.terminate()
        self.p.wait(60)


def measure(kind, dist, tmp, rounds):
    host = kind(dist, tmp)
    outages, refused, failed, answered = [], 0, 0, 0
    try:
        for _ in range(rounds):
            load = Load(host.port)
            time.sleep(0.5)  # the load under way before the restart (a pace, not a wait for anything)
            since = time.monotonic()
            host.restart()
            host.wait_ready()
            time.sleep(0.5)
            load.stop()
            outages.append(load.outage(since))
            refused += load.count("refused")
            failed += load.count(False)
            answered += load.count(True)
    finally:
        host.close()
    return outages, refused, failed, answered


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    dist = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    os.sched_setaffinity(0, {1})
    with tempfile.TemporaryDirectory() as tmp:
        warm = Own(dist, tmp)  # the start cache: recorded by this start, used by the next ones
        warm.restart()
        warm.wait_ready()
        warm.close()
        for name, kind in (("sockets held by the service manager", Held), ("netsvc binding its own (peer)", Own)):
            outages, refused, failed, answered = measure(kind, dist, tmp, rounds)
            print("%s: longest a client waited for an answer across the restart, median %.2f s (%s); over %d"
                  " restarts %d requests answered, %d refused, %d failed"
                  % (name, statistics.median(outages), " ".join("%.2f" % t for t in outages), rounds, answered, refused,
                     failed))


if __name__ == "__main__":
    main()
