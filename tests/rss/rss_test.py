#!/usr/bin/env python3
"""The C echo server under abuse: its memory stays flat and it keeps serving.

Runs ffi/examples/build/echo_server on 127.0.0.1 and, in rounds:
  * a client streams an "endless" fragmented message of tiny masked
    continuation frames (reading the echoes) until the server ends it at its
    fragment limit with Close 1009 — the only answer RFC 6455 allows for a
    message the endpoint will not take (§7.4.1);
  * 200 clients open connections, send half a handshake head, and abandon
    them (some leave them open, some reset);
  * 20 clients send an oversized head and must get 431;
  * a client negotiates permessage-deflate (RFC 7692) and streams a
    decompression bomb: one compressed message, in frames, of 1 GiB of
    zeros (zlib raw deflate; DEFLATE's ceiling is ~1032:1, so the whole
    message would be ~1 MiB on the wire). The server inflates it into its
    2^15 ring, echoes what it lends (compressed, all zeros), and must close
    with 1009 when the inflated bytes pass its 64 MiB message limit, after
    ~64 KB of the stream (the client's count of bytes sent also includes
    what still sits in socket buffers), with its RSS sampled throughout;
  * meanwhile a well-behaved client's echo must keep working.
The server's RSS (/proc/PID/status VmRSS) is sampled throughout. Buffers are
allocated once at start-up and touched lazily, so the first round may grow
RSS; every later round must stay within a small tolerance of the first.
Prints "N passed, M failed"; exits non-zero on failure. Stdlib only.
"""
import os
import socket
import select
import struct
import subprocess
import sys
import time
import zlib

HOST = "127.0.0.1"
ROUNDS = 4
TOLERANCE_KIB = 512
BOMB_BYTES = 1 << 30       # what the bomb inflates to
MESSAGE_LIMIT = 64 << 20   # the server's max_message_size (wsf_config_default)
KEY = b"dGhlIHNhbXBsZSBub25jZQ=="
checks = {"passed": 0, "failed": 0}


def check(ok, what):
    checks["passed" if ok else "failed"] += 1
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def frame(opcode, payload, fin=True, key=b"\x01\x02\x03\x04", rsv1=False):
    """A masked client frame (RSV1: the first frame of a compressed message)."""
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + masked


def connect(port, timeout=10, extensions=None):
    s = socket.create_connection((HOST, port), timeout=timeout)
    offer = b"Sec-WebSocket-Extensions: " + extensions + b"\r\n" if extensions else b""
    s.sendall(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY + b"\r\n" + offer + b"\r\n"
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("closed during handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError("no 101: %r" % head[:40])
    head, rest = head.split(b"\r\n\r\n", 1)
    if extensions is None:
        return s, rest
    answer = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")[1:]
              if line.split(b":", 1)[0].strip().lower() == b"sec-websocket-extensions"]
    return s, rest, answer


def window_bits(answer, name):
    """NAME=N from a permessage-deflate answer (15 when absent)."""
    for param in answer.split(b";")[1:]:
        key, _, value = param.strip().partition(b"=")
        if key == name:
            return int(value.strip(b'"'))
    return 15


def read_frames(sock, buf):
    """Yields (opcode, fin, payload) of unmasked server frames, reading more as needed."""
    while True:
        for b0, payload in parse_frames(buf):
            yield b0 & 0x0F, bool(b0 & 0x80), payload
        chunk = sock.recv(65536)
        if not chunk:
            return
        buf += chunk


def echo_ok(port, payload):
    s, rest = connect(port)
    try:
        s.sendall(frame(0x2, payload))
        got = b""
        for op, fin, data in read_frames(s, bytearray(rest)):
            if op in (0x0, 0x2):
                got += data
                if fin:
                    break
        s.sendall(frame(0x8, struct.pack("!H", 1000)))
        return got == payload
    finally:
        s.close()


def endless_fragments(pid, port, samples):
    """Streams 16-byte continuation frames until the server closes with 1009."""
    s, rest = connect(port, timeout=30)
    s.setblocking(True)
    piece = frame(0x0, b"x" * 16, fin=False)
    batch = piece * 512
    s.sendall(frame(0x2, b"x" * 16, fin=False))
    buf = bytearray(rest)
    close_code = None
    sent = 0
    deadline = time.monotonic() + 60
    s.settimeout(0.0)
    try:
        while close_code is None and time.monotonic() < deadline:
            try:
                sent += s.send(batch)
            except (BlockingIOError, InterruptedError):
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
            # Drain echoes; look for the server's Close.
            try:
                while True:
                    chunk = s.recv(1 << 20)
                    if not chunk:
                        raise ConnectionResetError
                    buf += chunk
            except (BlockingIOError, InterruptedError):
                pass
            except ConnectionResetError:
                pass
            i = buf.find(b"\x88")
            while i >= 0 and close_code is None:
                # A Close frame from the server: 0x88, len, code.
                if i + 4 <= len(buf) and buf[i + 1] >= 2 and buf[i + 1] < 126:
                    close_code = struct.unpack("!H", bytes(buf[i + 2:i + 4]))[0]
                i = buf.find(b"\x88", i + 1)
            if len(buf) > (1 << 22):
                del buf[:-64]
            samples.append(rss_kib(pid))
    finally:
        s.close()
    return close_code, sent


def parse_frames(buf):
    """Takes the complete unmasked frames off the front of buf: [(b0, payload)]."""
    frames = []
    while len(buf) >= 2:
        n, off = buf[1] & 0x7F, 2
        if n == 126:
            if len(buf) < 4:
                break
            n, off = struct.unpack("!H", buf[2:4])[0], 4
        elif n == 127:
            if len(buf) < 10:
                break
            n, off = struct.unpack("!Q", buf[2:10])[0], 10
        if len(buf) < off + n:
            break
        frames.append((buf[0], bytes(buf[off:off + n])))
        del buf[:off + n]
    return frames


def decompression_bomb(pid, port, samples):
    """Negotiates permessage-deflate, then streams one compressed binary message
    of BOMB_BYTES zeros (raw deflate, in frames) until the server closes.
    Returns (close code, wire bytes sent, bytes declared so far, inflated echo
    bytes, whether every echo frame was compressed and all zeros, answer)."""
    s, rest, answer = connect(port, timeout=30,
                              extensions=b"permessage-deflate; client_max_window_bits")
    if len(answer) != 1 or not answer[0].startswith(b"permessage-deflate"):
        s.close()
        return None, 0, 0, 0, False, answer
    answer = answer[0]
    z = zlib.compressobj(9, zlib.DEFLATED, -window_bits(answer, b"client_max_window_bits"))
    unz = zlib.decompressobj(-window_bits(answer, b"server_max_window_bits"))
    zeros = bytes(1 << 20)
    out, buf = bytearray(), bytearray(rest)
    declared = wire = echoed = 0
    first, compressed_zeros, close_code = True, True, None
    deadline = time.monotonic() + 120
    s.setblocking(False)
    try:
        while close_code is None and time.monotonic() < deadline:
            # Keep a few frames' worth queued; each carries what 4 MiB of zeros compress to.
            while len(out) < 64 << 10 and declared < BOMB_BYTES:
                piece = b""
                for _ in range(4):
                    piece += z.compress(zeros)
                    declared += len(zeros)
                last = declared >= BOMB_BYTES
                if last:
                    piece += z.flush()
                out += frame(0x2 if first else 0x0, piece, fin=last, rsv1=first)
                first = False
            readable, writable, _ = select.select([s], [s] if out else [], [], 1.0)
            if writable:
                try:
                    n = s.send(out)
                    wire += n
                    del out[:n]
                except (BlockingIOError, InterruptedError):
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    out.clear()
            if readable:
                try:
                    chunk = s.recv(1 << 20)
                except (BlockingIOError, InterruptedError):
                    chunk = None
                except ConnectionResetError:
                    chunk = b""
                if chunk == b"":
                    break
                if chunk:
                    buf += chunk
                for b0, payload in parse_frames(buf):
                    op = b0 & 0x0F
                    if op == 0x8:
                        close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    elif op in (0x0, 0x2):
                        if op == 0x2 and not b0 & 0x40:
                            compressed_zeros = False  # the echo of a compressed message goes out compressed
                        data = unz.decompress(payload)
                        echoed += len(data)
                        compressed_zeros = compressed_zeros and data.count(0) == len(data)
            samples.append(rss_kib(pid))
    finally:
        s.close()
    return close_code, wire, declared, echoed, compressed_zeros, answer


def abandoned_handshakes(port, n):
    socks = []
    for i in range(n):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n")  # never finished
        socks.append(s)
    return socks


def oversized_head(port):
    s = socket.create_connection((HOST, port), timeout=10)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 9000 + b"\r\n\r\n")
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer.startswith(b"HTTP/1.1 431")
    except (BrokenPipeError, ConnectionResetError):
        return False
    finally:
        s.close()


def main():
    server = sys.argv[1]
    port = free_port()
    log = open(sys.argv[2] if len(sys.argv) > 2 else os.devnull, "w")
    proc = subprocess.Popen([server, "%s:%d" % (HOST, port)], stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        check(echo_ok(port, b"hello"), "server up, echo works")
        base = rss_kib(proc.pid)
        per_round = []
        for r in range(1, ROUNDS + 1):
            samples = []
            code, sent = endless_fragments(proc.pid, port, samples)
            check(code == 1009, "round %d: endless fragments ended by Close %s after %d bytes (want 1009)" % (r, code, sent))
            socks = abandoned_handshakes(port, 200)
            samples.append(rss_kib(proc.pid))
            check(echo_ok(port, os.urandom(70000)), "round %d: 200 abandoned handshakes open, echo still works" % r)
            for i, s in enumerate(socks):
                if i % 2:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
                s.close()
            check(all(oversized_head(port) for _ in range(20)), "round %d: 20 oversized heads answered 431" % r)
            code, wire, declared, echoed, zeros_back, answer = decompression_bomb(proc.pid, port, samples)
            check(code == 1009 and echoed <= MESSAGE_LIMIT and zeros_back,
                  "round %d: decompression bomb (%r; 1 GiB of zeros as raw deflate) ended by Close %s "
                  "after %d KiB on the wire (%d MiB declared, %d MiB echoed, compressed: %s) (want 1009, "
                  "echo <= %d MiB)" % (r, answer, code, wire >> 10, declared >> 20, echoed >> 20, zeros_back,
                                       MESSAGE_LIMIT >> 20))
            samples.append(rss_kib(proc.pid))
            check(proc.poll() is None, "round %d: server alive" % r)
            samples.append(rss_kib(proc.pid))
            peak = max(samples)
            per_round.append(peak)
            print("      round %d: RSS peak %d KiB (start %d KiB)" % (r, peak, base), flush=True)
        growth = max(per_round[1:]) - per_round[0]
        check(growth <= TOLERANCE_KIB,
              "RSS flat after round 1: later peaks within %d KiB of round 1's %d KiB (growth %d KiB; peaks %s)"
              % (TOLERANCE_KIB, per_round[0], growth, per_round))
        check(echo_ok(port, b"still here"), "server still serves at the end")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    print("%d passed, %d failed" % (checks["passed"], checks["failed"]))
    return 0 if checks["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
