#!/usr/bin/env python3
"""echo_client against servers whose permessage-deflate answers break RFC 7692 §7.1.

    deflate_answer_test.py CLIENT_CMD...     e.g. ffi/examples/build/echo_client

For each bad answer, a raw server on 127.0.0.1 completes the handshake with a valid
Sec-WebSocket-Accept and that Sec-WebSocket-Extensions value. The client (started with
"ws://127.0.0.1:PORT AGENT" appended, plus the scenario's flags) must fail the handshake
(RFC 6455 §4.1: _Fail the WebSocket Connection_): exit non-zero, name the rule in its message
(the status wsf_deflate_check_answer or wsf_client_request_check_response returned), and send no
byte after its request. Bounded (each scenario 20 s); stdlib only. Ends with `N passed, M failed`.
"""
import base64
import hashlib
import socket
import subprocess
import sys
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = 20

# (client flags, the server's answer, what the client's message must contain)
BAD_ANSWERS = [
    # client_max_window_bits needs a value in an answer (§7.1.2.2)
    ([], "permessage-deflate; client_max_window_bits", "(status 2111)"),
    # a parameter RFC 7692 does not define (§7.1)
    ([], "permessage-deflate; x_window=10", "(status 2109)"),
    # a larger server window than we offered (§7.1.2.1): we offered server_max_window_bits=10
    (["--deflate-window-bits=10"], "permessage-deflate; server_max_window_bits=12", "(status 2113)"),
    # a window value with a leading zero (§7.1.2.1: 1*DIGIT without one)
    ([], "permessage-deflate; server_max_window_bits=010", "(status 2111)"),
    # a value on a no-context-takeover parameter (§7.1.1)
    ([], "permessage-deflate; server_no_context_takeover=1", "(status 2112)"),
    # the same parameter twice (§7.1)
    ([], "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
     "(status 2110)"),
    # the extension answered twice (§7)
    ([], "permessage-deflate, permessage-deflate", "(status 2108)"),
    # an extension that was not offered (RFC 6455 §4.1)
    ([], "x-webkit-deflate-frame", "(status 2106)"),
    # permessage-deflate answered although the client did not offer it (RFC 6455 §4.1)
    (["--no-deflate"], "permessage-deflate", "(status 2106)"),
]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(("ok    " if ok else "FAIL  ") + what, flush=True)


def serve(listener, answer, after):
    """One connection: the 101 with `answer`, then everything the client sends, until it closes."""
    try:
        conn, _ = listener.accept()
        conn.settimeout(TIMEOUT)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        head, rest = head.split(b"\r\n\r\n", 1)
        key = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
               if line.lower().startswith(b"sec-websocket-key:")][0]
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept +
                     b"\r\nSec-WebSocket-Extensions: " + answer.encode() + b"\r\n\r\n")
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break
            rest += chunk
        after.append(rest)
        conn.close()
    except OSError as e:
        after.append(("error", str(e)))


def scenario(cmd, flags, answer, want):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(TIMEOUT)
    port = listener.getsockname()[1]
    after = []
    server = threading.Thread(target=serve, args=(listener, answer, after), daemon=True)
    server.start()
    try:
        proc = subprocess.run(cmd + flags + ["ws://127.0.0.1:%d" % port, "deflate-answer-test"],
                              capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        said = proc.stderr.decode(errors="replace").strip().splitlines()[-1:]
        code = proc.returncode
    except subprocess.TimeoutExpired:
        said, code = ["(timed out)"], None
    server.join(TIMEOUT)
    listener.close()
    said = said[0] if said else ""
    check(code not in (0, None) and want in said and after == [b""],
          "%s%r: exit status %s, %r, sent after the 101: %r" % (
              " ".join(flags) + " " if flags else "", answer, code, said,
              after[0] if after else None))


def main():
    cmd = sys.argv[1:]
    if not cmd:
        sys.exit(__doc__)
    for flags, answer, want in BAD_ANSWERS:
        scenario(cmd, flags, answer, want)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
