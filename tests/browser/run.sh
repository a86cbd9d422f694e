#!/usr/bin/env bash
# A real browser against the C echo server: headless Debian Chromium (never a downloaded browser)
# driven by playwright-core opens the server's page on 127.0.0.1, echoes non-ASCII text and a
# 1 MiB binary message byte-exact, and checks that permessage-deflate was declined cleanly.
#
#   bash tests/browser/run.sh             # everything; ends with "N passed, M failed"
#   bash tests/browser/run.sh --install   # only install Chromium and playwright-core (idempotent)
#
# The screenshot goes to target/browser/echo.png. The server runs under `timeout`, is stopped by
# its PID, and listens on 127.0.0.1 only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/target/browser"
budget=${WSF_BROWSER_TIMEOUT:-180}

install() {
    if [[ ! -x /usr/bin/chromium ]]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium
    fi
    if [[ ! -d "$here/node_modules/playwright-core" ]]; then
        (cd "$here" && npm ci --no-audit --no-fund)
    fi
}

install
[[ "${1:-}" != --install ]] || exit 0

make -s -C "$root/ffi/examples"
mkdir -p "$out"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

server_pid=
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

timeout --kill-after=5 "$budget" "$root/ffi/examples/build/echo_server" "127.0.0.1:$port" \
    >"$out/echo_server.log" 2>&1 </dev/null &
server_pid=$!
for ((i = 0; i < 100; i++)); do
    grep -q '^open http' "$out/echo_server.log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out/echo_server.log"; exit 1; }
    sleep 0.1
done

rc=0
(cd "$here" && timeout --kill-after=5 "$budget" node echo.test.mjs "http://127.0.0.1:$port/" \
    "$out/echo.png") || rc=$?
if [[ $rc -ne 0 ]]; then
    echo "----- echo_server log -----"
    tail -n 20 "$out/echo_server.log"
fi
exit "$rc"
