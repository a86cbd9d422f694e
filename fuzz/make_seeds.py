#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/seeds/ (deterministic).

Handshake seeds are the real captures in core/tests/data/handshakes/; frame
seeds are small valid (and a few invalid) streams for both roles, in the
input layout each target reads (see the comment at the top of each target).

Run from anywhere: python3 fuzz/make_seeds.py
"""

import base64
import hashlib
import os
import re
import shutil
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(HERE, "..", "core", "tests", "data", "handshakes")
SEEDS = os.path.join(HERE, "seeds")
KEY = bytes([0x37, 0xFA, 0x21, 0x3D])
GENERATED = ("connection", "connection_deflate", "frame_header", "utf8_stream", "mask",
             "request_head", "response_head", "ffi")


def frame(opcode, payload, fin=True, masked=False, rsv=0, key=KEY):
    """One frame in minimal length form."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    m = 0x80 if masked else 0
    if n < 126:
        head = bytes([b0, m | n])
    elif n < 0x10000:
        head = bytes([b0, m | 126]) + struct.pack(">H", n)
    else:
        head = bytes([b0, m | 127]) + struct.pack(">Q", n)
    if masked:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        head += key
    return head + payload


def streams(masked):
    """Named streams as a peer sends them (masked when it is a client)."""
    f = lambda op, p, **kw: frame(op, p, masked=masked, **kw)  # noqa: E731
    close = lambda code, reason=b"": f(0x8, struct.pack(">H", code) + reason)  # noqa: E731
    return {
        "hello": f(0x1, b"Hello") + close(1000),
        "fragmented-text-ping-between": f(0x1, "κόσ".encode(), fin=False)
        + f(0x9, b"p")
        + f(0x0, b"\xce", fin=False)
        + f(0x0, "\u00bcε".encode())
        + f(0xA, b"")
        + close(1000, b"ok"),
        "binary-300-and-empty": f(0x2, bytes(range(256)) + bytes(44)) + f(0x2, b"") + f(0x8, b""),
        "binary-16bit-length": f(0x2, bytes([7]) * 1000),
        "ping-125": f(0x9, bytes([1]) * 125) + f(0x9, b"two"),
        "close-3000-reason": close(3000, "bye ✓".encode()),
        "many-empty-fragments": f(0x2, b"", fin=False) + f(0x0, b"", fin=False) * 6 + f(0x0, b"x"),
        "text-split-code-point": f(0x1, b"a\xe2\x82", fin=False) + f(0x0, b"\xac"),
        # Invalid ones, so the fuzzer starts next to each rule.
        "bad-utf8-surrogate": f(0x1, b"ok", fin=False) + f(0x0, b"\xed\xa0\x80"),
        "bad-rsv1": f(0x1, b"x", rsv=4),
        "bad-opcode-3": f(0x3, b""),
        "bad-close-1-byte": f(0x8, b"\x03"),
        "bad-close-1005": close(1005),
        "bad-continuation-first": f(0x0, b"x"),
        "bad-ping-fragmented": f(0x9, b"", fin=False),
        "huge-declared-length": bytes([0x82, 0xFF if masked else 0x7F, 0, 0, 0, 0, 0x40, 0, 0, 0])
        + (KEY if masked else b"")
        + b"\xaa",
        "top-bit-length": bytes([0x82, 0xFF if masked else 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1]),
        "non-minimal-16": bytes([0x82, 0xFE if masked else 0x7E, 0, 5]) + (KEY if masked else b"") + b"abcde",
    }


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)


def connection_seeds():
    # flags: bit0 = client role (receives unmasked frames); bit1 = small limits.
    for role_flag, masked in ((0, True), (1, False)):
        role = "server" if role_flag == 0 else "client"
        for name, stream in streams(masked).items():
            # One chunk size (7 bytes), then the stream.
            write("connection", f"{role}-{name}", bytes([role_flag, 0, 6]) + stream)
    limits = frame(0x2, bytes(60), masked=True) + frame(0x2, bytes(30), fin=False, masked=True)
    limits += frame(0x0, bytes(30), fin=False, masked=True) + frame(0x0, bytes(50), masked=True)
    write("connection", "server-small-limits", bytes([2, 1, 3, 200]) + limits)


def deflate_raw(data, wbits=15):
    """RFC 7692 §7.2.1: raw DEFLATE, sync flush, the 00 00 FF FF removed."""
    c = zlib.compressobj(6, zlib.DEFLATED, -wbits)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def rfc7692_examples(f):
    """The RFC 7692 §7.2.3 examples as frames (RSV1 = rsv 4), in order."""
    h = bytes.fromhex
    return (
        f(0x1, h("f248cdc9c90700"), rsv=4)  # §7.2.3.1 one frame
        + f(0x1, h("f248cd"), fin=False, rsv=4)  # §7.2.3.1 fragmented
        + f(0x0, h("c9c90700"))
        + f(0x1, h("f200110000"), rsv=4)  # §7.2.3.2 a match into the last
        + f(0x1, h("000500faff48656c6c6f00"), rsv=4)  # §7.2.3.3 stored block
        + f(0x1, h("f348cdc9c9070000"), rsv=4)  # §7.2.3.4 BFINAL set
        + f(0x1, h("f248050000 00ffffcac9c90700".replace(" ", "")), rsv=4)  # §7.2.3.5
        + f(0x1, h("f248cdc9c907000000ffff"), fin=False, rsv=4)  # §7.2.3.6
        + f(0x0, h("00"))
        + f(0x1, b"plain")  # uncompressed stays legal (§6)
    )


def connection_deflate_seeds():
    # Receive mode: flags (window bits 8 + low 3 bits, bit 3 no takeover,
    # bit 4 client), max_message_size / 64, a count and piece sizes, stream.
    def put(name, flags, limit, stream, pieces=(6,)):
        head = bytes([flags, limit, len(pieces) - 1]) + bytes(pieces)
        write("connection_deflate", name, head + stream)

    for role, masked, key in (("server", True, KEY), ("server-key0", True, bytes(4)), ("client", False, KEY)):
        flags = 7 | (0 if masked else 16)
        f = lambda op, p, **kw: frame(op, p, masked=masked, key=key, **kw)  # noqa: E731
        close = f(0x8, struct.pack(">H", 1000))
        put(f"{role}-rfc7692-examples", flags, 255, rfc7692_examples(f) + close, (0, 4, 30))
        text = ("{\"id\":17,\"name\":\"héllo wörld\",\"tags\":[\"a\",\"b\"]} " * 40).encode()
        z = deflate_raw(text, 9)
        put(f"{role}-json-w9", flags & ~7 | 1, 255, f(0x1, z[:50], fin=False, rsv=4) + f(0x9, b"p") + f(0x0, z[50:]))
        put(f"{role}-bomb-1009", flags, 2, f(0x2, deflate_raw(bytes(100000)), rsv=4))
        put(f"{role}-far-match-w8", flags & ~7, 255, f(0x2, deflate_raw(bytes(range(256)) * 2 + b"xyz" + bytes(range(256))), rsv=4))
        put(f"{role}-bad-rsv1-continuation", flags, 255, f(0x1, bytes.fromhex("f248cd"), fin=False, rsv=4) + f(0x0, bytes.fromhex("c9c90700"), rsv=4))
        put(f"{role}-bad-rsv1-ping", flags, 255, f(0x9, b"", rsv=4))
        put(f"{role}-bad-truncated", flags, 255, f(0x1, bytes.fromhex("f248cd"), rsv=4))
        put(f"{role}-bad-corrupt", flags, 255, f(0x2, bytes.fromhex("ff ff ff ff"), rsv=4))
        # A literal, then a match 2 back with 1 byte of history (too far):
        # whole, the connection lends "a", keeps the inflater's deferred
        # error and takes the Close; byte by byte it fails with 1007.
        deferred = f(0x2, bytes.fromhex("4a0442"), fin=False, rsv=4) + f(0x8, struct.pack(">H", 1000))
        put(f"{role}-deferred-error-then-close", flags, 255, deferred, (0,))
        put(f"{role}-bad-utf8-inflated", flags, 255, f(0x1, deflate_raw(b"ok\xed\xa0\x80"), rsv=4))
    # Round-trip mode: flags (bit 7; window bits 8 + low 3, bit 3 no takeover,
    # bit 4 client no takeover, bit 5 level Default, bit 6 pings), then
    # b1 (window reduction, messages - 1), plain mask, binary mask, piece (2),
    # out - 7 (2), receive piece root, data.
    def trip(name, flags, b1, plain, binary, piece, out, r, data):
        head = bytes([0x80 | flags, b1, plain, binary]) + struct.pack("<HH", piece, out) + bytes([r])
        write("connection_deflate", "trip-" + name, head + data)

    json = ("{\"id\":17,\"name\":\"héllo wörld\",\"tags\":[\"a\",\"b\"]} " * 30).encode()
    trip("json-w15-3msgs", 7, 2 << 3, 0, 0, 4096, 4000, 40, json)
    trip("json-w9-notakeover-pings", 1 | 8 | 64, 3 << 3, 0b10, 0, 100, 30, 3, json)
    trip("binary-w12-default-small-out", 4 | 32, 1 | (1 << 3), 0, 0xFF, 7, 0, 1, bytes(range(256)) * 6)
    trip("w8-client-smaller-window", 1 | 16, 1, 0, 0, 1, 100, 16, b"Hello, Hello, Hello! " * 20)


def frame_header_seeds():
    for name, hexs in {
        "rfc-text": "81 05 48 65 6c 6c 6f",
        "rfc-masked": "81 85 37 fa 21 3d 7f 9f 4d 51 58",
        "rfc-fragment": "01 03 48 65 6c",
        "rfc-continuation": "80 02 6c 6f",
        "rfc-ping": "89 05 48 65 6c 6c 6f",
        "rfc-256": "82 7e 01 00",
        "rfc-64k": "82 7f 00 00 00 00 00 01 00 00",
        "masked-64k": "82 ff 00 00 00 00 00 01 00 00 01 02 03 04",
        "close-125": "88 7d",
    }.items():
        write("frame_header", name, bytes.fromhex(hexs))


def utf8_seeds():
    text = "Hello κόσμε € 𝄞 ✓".encode()
    write("utf8_stream", "mixed-split-1-2-3", bytes([2, 0, 1, 2]) + text)
    write("utf8_stream", "mixed-whole", bytes([0, 255]) + text * 4)
    write("utf8_stream", "surrogate", bytes([0, 1]) + b"a\xed\xa0\x80")
    write("utf8_stream", "over-max", bytes([0, 0]) + b"\xf4\x90\x80\x80")
    write("utf8_stream", "long-ascii-then-4", bytes([1, 63, 1]) + b"a" * 70 + "𝄞".encode())


def mask_seeds():
    for length, phase, offset in ((5, 0, 0), (16, 1, 3), (63, 2, 7), (64, 3, 1), (257, 1, 31)):
        data = bytes([0x37, 0xFA, 0x21, 0x3D, phase, offset, length // 2])
        write("mask", f"len-{length}", data + bytes((i * 7) & 0xFF for i in range(length)))


def capture_pairs():
    for fn in sorted(os.listdir(CAPTURES)):
        if fn.endswith(".request.http"):
            stem = fn[: -len(".request.http")]
            resp = os.path.join(CAPTURES, stem + ".response.http")
            with open(os.path.join(CAPTURES, fn), "rb") as fh:
                req = fh.read()
            with open(resp, "rb") if os.path.exists(resp) else open(os.devnull, "rb") as fh:
                yield stem, req, fh.read()


def handshake_seeds():
    for stem, req, resp in capture_pairs():
        write("request_head", stem, bytes([0, 200]) + req)
        key = re.search(rb"(?im)^sec-websocket-key:[ \t]*([^\r\n]*?)[ \t]*\r?$", req).group(1)
        nonce = base64.b64decode(key)
        accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
        if resp and accept in resp:
            # flags 0b1011: three subprotocols and two extensions offered.
            write("response_head", stem, nonce + bytes([0b1011, 100]) + resp)


def ffi_seeds():
    # Program: role (0 client, 1 server), storage offset, storage shortfall,
    # then ops: op, 4-byte key, out_len, operands (see fuzz_targets/ffi.rs).
    key = bytes([1, 2, 3, 4])
    for role, masked in ((1, True), (0, False)):
        for name in ("hello", "fragmented-text-ping-between", "ping-125", "bad-rsv1", "bad-close-1005"):
            stream = streams(masked)[name]
            prog = bytes([role, 0, 0])
            for i in range(0, len(stream), 200):
                chunk = stream[i : i + 200]
                prog += bytes([0]) + key + bytes([255, len(chunk)]) + chunk
                prog += bytes([1]) + key + bytes([255, 0])
            prog += bytes([7]) + key + bytes([255])
            prog += bytes([3]) + key + bytes([255, 1, 1, 5]) + b"hello" + bytes([1])
            prog += bytes([4]) + key + bytes([3, 2]) + b"hi" + bytes([1])
            prog += bytes([6]) + key + bytes([255, 0xE8, 0x03, 2]) + b"ok"
            prog += bytes([8]) + key + bytes([0, 20, 3]) + bytes([0, 0, 0, 0]) + bytes(range(20))
            prog += bytes([9]) + key + bytes([0]) + (1002).to_bytes(4, "little")
            write("ffi", f"{'server' if role else 'client'}-{name}", prog)


def main():
    # Only the targets written here: the inflate and compress seeds come
    # from elsewhere (tests/deflate's generators) and stay.
    for target in GENERATED:
        shutil.rmtree(os.path.join(SEEDS, target), ignore_errors=True)
    connection_seeds()
    connection_deflate_seeds()
    frame_header_seeds()
    utf8_seeds()
    mask_seeds()
    handshake_seeds()
    ffi_seeds()
    for target in sorted(os.listdir(SEEDS)):
        print(target, len(os.listdir(os.path.join(SEEDS, target))))


if __name__ == "__main__":
    main()
