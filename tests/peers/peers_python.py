#!/usr/bin/env python3
"""Python `websockets` (requirements.txt) with permessage-deflate against the Rust echo examples.

    venv/bin/python peers_python.py ECHO_SERVER ECHO_CLIENT

Both directions, several parameter sets each:

  * websockets client -> Rust echo_server (`ECHO_SERVER [OPTIONS] 127.0.0.1:PORT`): the client
    checks the Sec-WebSocket-Extensions answer (exact text) and that every message of MESSAGES
    comes back byte-exact; the server's log must name the same parameters.
  * Rust echo_client (`ECHO_CLIENT --check [OPTIONS] ws://127.0.0.1:PORT/`) -> websockets echo
    server: the server checks its own answer (exact text), the client's lines must report the
    same answer and every message echoed byte-exact.

  * Rust echo_client -> a raw server whose 101 answers permessage-deflate against RFC 7692
    section 7.1 (missing or malformed window bits, unknown parameter, larger window than offered)
    or names an extension never offered: the client must fail the handshake, name the rule and
    send nothing.

In every echo scenario compression must be on in both directions: websockets' PerMessageDeflate is
wrapped to count the data frames it received with RSV1 (compressed by us) and the frames it
compressed itself; both must equal the number of messages (each message is one compressed
message, RFC 7692 section 6). The last line is `peers: N passed, M failed`. Everything listens on
127.0.0.1 only; each Rust process is stopped by its PID; each scenario is bounded in time.
"""
import asyncio
import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.extensions import permessage_deflate
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import Opcode

SCENARIO_TIMEOUT = 60  # seconds, per scenario
MAX_SIZE = 4 << 20


def binary(n):
    """Same bytes as echo_client's messages(): (i % 239) ^ (i >> 12), every byte value."""
    return bytes(((i % 239) ^ (i >> 12)) & 0xFF for i in range(n))


MESSAGES = [
    ("ASCII text", "Hello, permessage-deflate! " * 4),
    ("non-ASCII text", "Grüße aus Zürich, ¿qué tal? Ωμέγα — 日本語のテキスト — 🦀🚀 " * 8),
    ("empty text", ""),
    ("empty binary", b""),
    ("125 B binary", binary(125)),
    ("64 KiB binary", binary(64 * 1024)),
    ("1 MiB binary", binary(1024 * 1024)),
]

# --- frames websockets compressed / received compressed -------------------------------------
COUNTS = {"received_compressed": 0, "sent_compressed": 0}
_decode, _encode = PerMessageDeflate.decode, PerMessageDeflate.encode


def counting_decode(self, frame, **kwargs):
    if frame.opcode in (Opcode.TEXT, Opcode.BINARY) and frame.rsv1:
        COUNTS["received_compressed"] += 1
    return _decode(self, frame, **kwargs)


def counting_encode(self, frame):
    out = _encode(self, frame)
    if out.opcode in (Opcode.TEXT, Opcode.BINARY) and out.rsv1:
        COUNTS["sent_compressed"] += 1
    return out


PerMessageDeflate.decode = counting_decode
PerMessageDeflate.encode = counting_encode
assert permessage_deflate.PerMessageDeflate is PerMessageDeflate

# --- results ------------------------------------------------------------------------------------
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("  ok    %s" % what)
    else:
        failed += 1
        print("  FAIL  %s" % what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Rust:
    """A Rust example under a deadline, stdout+stderr to a temporary log, stopped by its PID."""

    def __init__(self, argv):
        self.log = tempfile.NamedTemporaryFile("w+", prefix="peers-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def wait_for(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.text(), re.M):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)


def reset_counts():
    for k in COUNTS:
        COUNTS[k] = 0


def check_compressed_both_ways(n):
    check(COUNTS["received_compressed"] == n,
          "websockets received %d compressed messages (RSV1), expected %d"
          % (COUNTS["received_compressed"], n))
    check(COUNTS["sent_compressed"] == n,
          "websockets sent %d compressed messages, expected %d" % (COUNTS["sent_compressed"], n))


# --- websockets client -> Rust echo_server ------------------------------------------------------
async def client_scenario(server_bin, server_opts, factory, want_answer, want_params):
    print("websockets client -> echo_server %s (offer: %s)"
          % (" ".join(server_opts) or "(defaults)", factory and "custom" or "websockets default"))
    port = free_port()
    server = Rust([server_bin, *server_opts, "127.0.0.1:%d" % port])
    reset_counts()
    try:
        if not server.wait_for(r"^echo_server: listening"):
            check(False, "echo_server started:\n" + server.text())
            return
        kwargs = {"extensions": [factory]} if factory else {}
        async with connect("ws://127.0.0.1:%d/" % port, max_size=MAX_SIZE,
                           open_timeout=10, close_timeout=5, **kwargs) as ws:
            answer = ws.response.headers.get("Sec-WebSocket-Extensions")
            check(answer == want_answer, "answer %r (expected %r)" % (answer, want_answer))
            check(len(ws.protocol.extensions) == 1
                  and isinstance(ws.protocol.extensions[0], PerMessageDeflate),
                  "websockets negotiated %r" % (ws.protocol.extensions,))
            for name, message in MESSAGES:
                await ws.send(message)
                echo = await ws.recv()
                check(type(echo) is type(message) and echo == message,
                      "%s (%d bytes) echoed byte-exact" % (name, len(message)))
        check_compressed_both_ways(len(MESSAGES))
        server.wait_for(r"^echo_server: permessage-deflate: ", 5)
        logged = re.findall(r"^echo_server: permessage-deflate: (.*)$", server.text(), re.M)
        check(logged == [want_params],
              "echo_server negotiated %r (expected %r)" % (logged, [want_params]))
    finally:
        server.stop()


# --- Rust echo_client -> websockets echo server ---------------------------------------------
async def run_check_client(client_bin, client_opts, port):
    """Runs `echo_client --check` against 127.0.0.1:`port` until it exits (its own bounds apply);
    returns it (for its exit status) and what it printed. Stopped by PID either way."""
    client = Rust([client_bin, "--check", *client_opts, "ws://127.0.0.1:%d/" % port])
    try:
        while client.proc.poll() is None:
            await asyncio.sleep(0.05)
        out = client.text()
    finally:
        client.stop()
    return client, out


async def server_scenario(client_bin, client_opts, factory, want_answer):
    print("echo_client %s -> websockets server (%s)"
          % (" ".join(client_opts) or "(defaults)", factory and "custom" or "websockets default"))
    answers = []

    async def echo(ws):
        answers.append(ws.response.headers.get("Sec-WebSocket-Extensions"))
        async for message in ws:
            await ws.send(message)

    reset_counts()
    kwargs = {"extensions": [factory]} if factory else {}
    async with serve(echo, "127.0.0.1", 0, max_size=MAX_SIZE, **kwargs) as server:
        port = server.sockets[0].getsockname()[1]
        client, out = await run_check_client(client_bin, client_opts, port)
    check(answers == [want_answer], "websockets answered %r (expected %r)" % (answers, [want_answer]))
    seen = re.findall(r"^echo_client: extensions: (.*?) \(", out, re.M)
    check(seen == [want_answer], "echo_client saw %r" % seen)
    for name, message in MESSAGES:
        check(re.search(r"^echo_client: %s \(\d+ bytes\): echoed byte-exact$" % re.escape(name),
                        out, re.M) is not None, "%s echoed byte-exact (echo_client)" % name)
    check(client.proc.returncode == 0, "echo_client exit status %s" % client.proc.returncode)
    wire = re.search(r"^echo_client: check: .* (\d+) bytes received for (\d+) payload bytes$",
                     out, re.M)
    check(wire is not None and int(wire.group(1)) * 4 < int(wire.group(2)),
          "echo_client received compressed data: %s" % (wire and wire.group(0)))
    check_compressed_both_ways(len(MESSAGES))
    if failed:
        print(out)


# --- Rust echo_client -> a server whose answer breaks RFC 7692 section 7.1 ----------------------
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def bad_answer_scenario(client_bin, client_opts, answer, want_error):
    """A raw 101 with `answer` as Sec-WebSocket-Extensions: echo_client must fail the handshake
    (RFC 6455 section 4.1: _Fail the WebSocket Connection_), naming the rule, and send no frame."""
    print("echo_client %s -> a server answering %r" % (" ".join(client_opts) or "(defaults)", answer))
    after = []

    async def handle(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        key = re.search(rb"(?im)^sec-websocket-key:[ \t]*(\S+)", head).group(1)
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
                     b"\r\nSec-WebSocket-Extensions: " + answer.encode() + b"\r\n\r\n")
        await writer.drain()
        after.append(await reader.read())  # until the client closes
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        client, out = await run_check_client(client_bin, client_opts, port)
        for _ in range(100):
            if after:
                break
            await asyncio.sleep(0.05)
    check(client.proc.returncode != 0, "echo_client failed (exit status %s)" % client.proc.returncode)
    check(want_error in out, "echo_client says %r" % out.strip().splitlines()[-1:])
    check(after == [b""], "echo_client sent nothing after the handshake (%r)" % after)


BAD_ANSWERS = [
    # client_max_window_bits needs a value in an answer (7.1.2.2)
    ([], "permessage-deflate; client_max_window_bits",
     "permessage-deflate answer: window bits missing or not 8..15"),
    # a parameter RFC 7692 does not define (7.1)
    ([], "permessage-deflate; x_window=10",
     "permessage-deflate answer: unknown permessage-deflate parameter in the answer"),
    # a larger window than offered (7.1.2.1): we offered server_max_window_bits=10
    (["--deflate-window-bits=10"], "permessage-deflate; server_max_window_bits=12",
     "permessage-deflate answer: server_max_window_bits larger than offered"),
    # a window value with a leading zero (7.1.2.1: 1*DIGIT without one)
    ([], "permessage-deflate; server_max_window_bits=010",
     "permessage-deflate answer: window bits missing or not 8..15"),
    # an extension that was not offered (RFC 6455 4.1)
    ([], "x-webkit-deflate-frame", "server chose an extension that was not offered"),
]


CLIENT_SCENARIOS = [
    # websockets' default offer: permessage-deflate; client_max_window_bits
    ([], None, "permessage-deflate; client_max_window_bits=15",
     "send window 2^15, receive window 2^15"),
    # everything offered: both no-context-takeovers, small windows (9 for the client: zlib's
    # smallest; our server may compress with 10)
    ([], ClientPerMessageDeflateFactory(server_no_context_takeover=True,
                                        client_no_context_takeover=True,
                                        server_max_window_bits=10, client_max_window_bits=9),
     "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
     "server_max_window_bits=10; client_max_window_bits=9",
     "send window 2^10 (no context takeover), receive window 2^9 (no context takeover)"),
    # our server's memory allows 2^9 windows only: it asks the client for 9, announces 9
    (["--deflate-window-bits=9"], None,
     "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
     "send window 2^9, receive window 2^9"),
]

SERVER_SCENARIOS = [
    # websockets' default server: windows 12 both ways
    ([], None, "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12"),
    # our client asks for 2^9 windows and no context takeover both ways; websockets keeps its
    # client_max_window_bits=12, and our client compresses with 9 (<= 12, RFC 7692 7.1.2.2)
    (["--deflate-window-bits=9", "--deflate-no-context-takeover",
      "--deflate-peer-no-context-takeover"], None,
     "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
     "server_max_window_bits=9; client_max_window_bits=12"),
    # a websockets server with full windows and no parameters of its own
    ([], ServerPerMessageDeflateFactory(), "permessage-deflate"),
]


async def main(server_bin, client_bin):
    for opts, factory, answer, params in CLIENT_SCENARIOS:
        try:
            await asyncio.wait_for(client_scenario(server_bin, opts, factory, answer, params),
                                   SCENARIO_TIMEOUT)
        except Exception as e:  # a timeout, a refused connection, a closed connection...
            check(False, "scenario ended with %s: %s" % (type(e).__name__, e))
    for opts, factory, answer in SERVER_SCENARIOS:
        try:
            await asyncio.wait_for(server_scenario(client_bin, opts, factory, answer),
                                   SCENARIO_TIMEOUT)
        except Exception as e:
            check(False, "scenario ended with %s: %s" % (type(e).__name__, e))
    for opts, answer, error in BAD_ANSWERS:
        try:
            await asyncio.wait_for(bad_answer_scenario(client_bin, opts, answer, error),
                                   SCENARIO_TIMEOUT)
        except Exception as e:
            check(False, "scenario ended with %s: %s" % (type(e).__name__, e))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], sys.argv[2]))
    print("python websockets against the Rust examples:")
    print("peers: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
