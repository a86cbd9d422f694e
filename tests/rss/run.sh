#!/usr/bin/env bash
# The C echo server's memory stays flat under an endless fragmented message and
# abandoned or oversized handshakes, and it keeps serving (tests/rss/rss_test.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
make -C ffi/examples >/dev/null
mkdir -p target/rss
timeout 600 python3 tests/rss/rss_test.py ffi/examples/build/echo_server target/rss/echo_server.log
