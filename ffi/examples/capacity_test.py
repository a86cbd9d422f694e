#!/usr/bin/env python3
"""The echo server at capacity: every client gets an answer, none is closed without a word.

    capacity_test.py [--clients N] [--capacity C] [--timeout S] [--page FILE] [--deflate]
                     -- SERVER_CMD...

Starts SERVER_CMD with "127.0.0.1:0" appended (e.g. `ffi/examples/build/echo_server`, or
`wine .../echo_server.exe`), reads the port from its "listening on 127.0.0.1:PORT" line, then
opens N (default 300) connections at once, each sending a WebSocket handshake and holding its
connection open. Each must be answered with either a valid 101 (Sec-WebSocket-Accept checked)
or a 503 with a Retry-After header; a connection closed or reset before a complete response
head, or not answered within the time limit, fails. Exactly C (default 256, the server's
MAX_CONNS) must get the 101: the clients hold on, so the rest are over capacity. Then all close,
and one more client must get a 101 again (the slots came back). With --page, a plain GET / must
then return FILE (the browser page) with 200. With --deflate every client offers
permessage-deflate (as browsers do) and every 101 must accept it: the server then holds the
compression memory of C connections at once; its RSS at that point is printed (Linux).

Bounded: everything within --timeout seconds (default 60); the server is stopped by its PID.
Prints the tally and ends with `N passed, M failed` (one per client, plus the last client).
"""
import argparse
import base64
import hashlib
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def start_server(cmd, deadline):
    """Starts the server; returns (process, port, log path)."""
    log = tempfile.NamedTemporaryFile(prefix="capacity-server-", suffix=".log", delete=False)
    # Output to a file, not a pipe: Wine's helper processes would keep a pipe open.
    proc = subprocess.Popen(cmd + ["127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    while time.monotonic() < deadline:
        with open(log.name, errors="replace") as f:
            for line in f:
                if "listening on 127.0.0.1:" in line:
                    port = int(line.split("listening on 127.0.0.1:")[1].split()[0])
                    return proc, port, log.name
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop(proc)
    sys.exit("capacity: the server did not report its port:\n" + open(log.name).read()[-2000:])


def stop(proc):
    """Ends the server (by PID: its process group) within a few seconds."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)


OFFER = b"permessage-deflate; client_max_window_bits"


def rss_mib(pid):
    """The process's resident memory (Linux), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Client:
    def __init__(self, port, deflate=False):
        self.key = base64.b64encode(os.urandom(16))
        self.deflate = deflate
        offer = b"Sec-WebSocket-Extensions: %s\r\n" % OFFER if deflate else b""
        self.request = (b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                        b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        b"Sec-WebSocket-Version: 13\r\n%s\r\n" % (port, self.key, offer))
        self.sent = 0
        self.received = b""
        self.result = None  # "101", "503", or why it failed
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex(("127.0.0.1", port))

    def judge(self):
        head = self.received.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = lines[0].split(" ")
        if len(status) >= 2 and status[0] == "HTTP/1.1" and status[1] == "101":
            want = base64.b64encode(hashlib.sha1(self.key + GUID).digest()).decode()
            if headers.get("sec-websocket-accept") != want:
                return "101 with a wrong Sec-WebSocket-Accept"
            accepted = headers.get("sec-websocket-extensions", "").startswith("permessage-deflate")
            if accepted != self.deflate:
                return "101 with extensions %r" % headers.get("sec-websocket-extensions")
            return "101"
        if len(status) >= 2 and status[0] == "HTTP/1.1" and status[1] == "503":
            return "503" if headers.get("retry-after", "").isdigit() else "503 without Retry-After"
        return "unexpected answer: " + lines[0][:60]

    def on_event(self, mask):
        """Advances; returns True once the client has its result."""
        try:
            if mask & selectors.EVENT_WRITE and self.sent < len(self.request):
                self.sent += self.sock.send(self.request[self.sent:])
            if mask & selectors.EVENT_READ:
                data = self.sock.recv(4096)
                if not data:
                    self.result = "closed without an answer" if not self.received else \
                        "closed in the middle of the answer"
                    return True
                self.received += data
                if b"\r\n\r\n" in self.received:
                    self.result = self.judge()
                    return True
        except (ConnectionError, OSError) as e:
            self.result = "closed without an answer (%s)" % e.__class__.__name__
            return True
        return False

    def events(self):
        writing = self.sent < len(self.request)
        return selectors.EVENT_READ | (selectors.EVENT_WRITE if writing else 0)


def run_clients(port, n, deadline, deflate=False):
    sel = selectors.DefaultSelector()
    clients = [Client(port, deflate) for _ in range(n)]
    for c in clients:
        sel.register(c.sock, c.events(), c)
    pending = n
    while pending and time.monotonic() < deadline:
        for key, mask in sel.select(timeout=0.5):
            c = key.data
            if c.on_event(mask):
                sel.unregister(c.sock)
                pending -= 1
            else:
                sel.modify(c.sock, c.events(), c)
    for c in clients:
        if c.result is None:
            c.result = "no answer in time"
    return clients, sel


def fetch_page(port, deadline):
    """GET / over a blocking socket: (status line, body)."""
    timeout = max(1, deadline - time.monotonic())
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode("latin-1"), body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=300)
    ap.add_argument("--capacity", type=int, default=256)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--page", help="the page GET / must return")
    ap.add_argument("--deflate", action="store_true",
                    help="clients offer permessage-deflate; every 101 must accept it")
    ap.add_argument("cmd", nargs="+")
    args = ap.parse_args()
    start = time.monotonic()
    deadline = start + args.timeout
    proc, port, log = start_server(args.cmd, deadline)
    try:
        clients, sel = run_clients(port, args.clients, deadline, args.deflate)
        rss = rss_mib(proc.pid)
        tally = {}
        for c in clients:
            tally[c.result] = tally.get(c.result, 0) + 1
        for c in clients:
            c.sock.close()
        sel.close()
        print("capacity: %d clients in %.1f s: %s" % (
            args.clients, time.monotonic() - start,
            ", ".join("%d %s" % (v, k) for k, v in sorted(tally.items()))))
        if rss is not None:
            print("capacity: server RSS %.1f MiB with %d connections open%s" % (
                rss, tally.get("101", 0), " (permessage-deflate on each)" if args.deflate else ""))
        n101, n503 = tally.get("101", 0), tally.get("503", 0)
        passed = n101 + n503
        failed = args.clients - passed
        if n101 != args.capacity or n503 != args.clients - args.capacity:
            print("capacity: expected %d × 101 and %d × 503" % (args.capacity,
                                                             args.clients - args.capacity))
            failed += 1
        else:
            passed += 1
        # The slots come back once the clients are gone (the server sees their FINs).
        again = None
        while time.monotonic() < deadline:
            late, sel = run_clients(port, 1, min(deadline, time.monotonic() + 5), args.deflate)
            late[0].sock.close()
            sel.close()
            again = late[0].result
            if again == "101":
                break
            time.sleep(0.2)
        print("capacity: a client after the others left: %s" % again)
        if again == "101":
            passed += 1
        else:
            failed += 1
        if args.page:
            status, body = fetch_page(port, deadline)
            same = status == "HTTP/1.1 200 OK" and body == open(args.page, "rb").read()
            print("capacity: GET / -> %s, %d bytes%s" % (status, len(body),
                                                         "" if same else " (NOT the page)"))
            passed, failed = (passed + 1, failed) if same else (passed, failed + 1)
    finally:
        stop(proc)
    if failed:
        print("capacity: server log %s (last lines):" % log)
        print(open(log, errors="replace").read()[-1500:])
    else:
        os.unlink(log)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
