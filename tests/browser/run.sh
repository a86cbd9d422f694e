#!/usr/bin/env bash
# A real browser against the C echo server: headless Debian Chromium (never a downloaded browser)
# driven by playwright-core opens the server's page on 127.0.0.1 and echoes non-ASCII text, ~360 KB
# of compressible text and a 1 MiB binary message byte-exact, twice:
#   deflate  the server negotiates permessage-deflate (RFC 7692) with window caps
#            (--deflate-send-window-bits=12 --deflate-receive-window-bits=11): ws.extensions and the 101
#            must carry exactly the parameters it chose, and every message travels compressed
#            both ways (Chromium compresses with a 2^11 window, the server inflates into a 2^11
#            ring and compresses with a 2^12 window);
#   plain    the server runs with --no-deflate: the offer is declined cleanly (no header).
#
#   bash tests/browser/run.sh             # everything; ends with "N passed, M failed"
#   bash tests/browser/run.sh --install   # only install Chromium and playwright-core (idempotent)
#
# Screenshots go to target/browser/echo-deflate.png and echo-plain.png. Each server runs under
# `timeout`, is stopped by its PID, and listens on 127.0.0.1 only.
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

server_pid=
stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
trap stop_server EXIT

# run_case NAME WANT_EXTENSIONS SERVER_OPTION...: a fresh server and a fresh browser.
run_case() {
    local name=$1 want=$2 port i rc=0
    shift 2
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    timeout --kill-after=5 "$budget" "$root/ffi/examples/build/echo_server" "$@" "127.0.0.1:$port" \
        >"$out/echo_server-$name.log" 2>&1 </dev/null &
    server_pid=$!
    for ((i = 0; i < 100; i++)); do
        grep -q '^open http' "$out/echo_server-$name.log" && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$out/echo_server-$name.log"; return 1; }
        sleep 0.1
    done
    echo "browser[$name]: echo_server $* 127.0.0.1:$port"
    (cd "$here" && timeout --kill-after=5 "$budget" node echo.test.mjs "http://127.0.0.1:$port/" \
        "$out/echo-$name.png" "$want") || rc=$?
    if [[ $rc -ne 0 ]]; then
        echo "----- echo_server log -----"
        tail -n 20 "$out/echo_server-$name.log"
    fi
    stop_server
    return "$rc"
}

rc=0
run_case deflate "permessage-deflate; server_max_window_bits=12; client_max_window_bits=11" \
    --deflate-send-window-bits=12 --deflate-receive-window-bits=11 || rc=1
run_case plain "" --no-deflate || rc=1
exit "$rc"
