#!/usr/bin/env python3
"""The cost of a compressed echo through Python `websockets`' zlib path, per message.

Issue #13 asks for it as an informative figure beside criterion's `echo_json` group
(bench/benches/deflate.rs: inflate a permessage-deflate message, compress it back, no context
takeover, window 15, level 6 or wsframe's Default). Here the same work goes through
`websockets.extensions.permessage_deflate.PerMessageDeflate` (zlib underneath, as a Python
server runs it): `decode` of a compressed frame, then `encode` of the inflated message, both
without context takeover, window 15, zlib level 6.

    python3 bench/python_echo.py            # needs: pip install websockets
Prints the median over 15 rounds of the time per message (each round times many messages),
for JSON messages of 125 B and 16 KiB (similar records to the Rust benchmark's generator, not
the same bytes).
"""

import json
import random
import statistics
import time

from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode

OP_TEXT = Opcode.TEXT


def json_message(size, seed):
    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "sensor", "value", "status", "ok", "error"]
    records = []
    text = ""
    while len(text) < size:
        records.append(
            {
                "id": rng.randrange(1 << 20),
                "name": rng.choice(words) + "-" + str(rng.randrange(1000)),
                "value": round(rng.random() * 1000, 3),
                "tags": [rng.choice(words) for _ in range(rng.randrange(4))],
                "active": rng.random() < 0.5,
            }
        )
        text = json.dumps(records)
    return text[:size].encode()


def main():
    ext = lambda: PerMessageDeflate(True, True, 15, 15, {"level": 6})
    print("websockets echo (decode + encode, no context takeover, window 15, level 6)")
    for size in (125, 16 << 10):
        msg = json_message(size, 3)
        sender = ext()
        wire = sender.encode(Frame(OP_TEXT, msg))
        server = ext()
        # Correctness first: the echo inflates back to the message.
        back = server.decode(wire)
        assert back.data == msg
        echoed = server.encode(Frame(OP_TEXT, back.data))
        assert ext().decode(echoed).data == msg
        n = max(1, 200_000 // size) * 10
        rounds = []
        for _ in range(15):
            t = time.perf_counter()
            for _ in range(n):
                f = server.decode(wire)
                server.encode(Frame(OP_TEXT, f.data))
            rounds.append((time.perf_counter() - t) / n)
        med = statistics.median(rounds)
        print(f"  {size:>6} B: {med * 1e6:8.2f} µs/message  ({size / med / 1e6:7.1f} MB/s)")


if __name__ == "__main__":
    main()
