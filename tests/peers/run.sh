#!/usr/bin/env bash
# Independent peers with permessage-deflate against the Rust echo examples, both directions:
# Python `websockets` (peers_python.py, pinned in requirements.txt, installed into tests/peers/venv)
# and Node `ws` (peers_node.mjs, pinned by package-lock.json, installed into tests/peers/node_modules).
#
#   bash tests/peers/run.sh             # install if needed, build the examples, run both
#   bash tests/peers/run.sh --install   # only install (idempotent; no network when present)
#
# Each runner ends with "peers: N passed, M failed" (tests/run-all.sh counts those lines) and
# exits non-zero on a failure. Everything listens on 127.0.0.1; each runner is bounded by
# `timeout` (WSF_PEERS_TIMEOUT seconds, default 300) and stops the examples it starts by PID.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
budget=${WSF_PEERS_TIMEOUT:-300}

install() {
    # Python: a venv stamped with the hash of requirements.txt and the interpreter.
    local venv="$here/venv" stamp="$here/venv/.wsframe-stamp" want
    want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1) $(command -v python3)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]] || ! "$venv/bin/python" -c 'import websockets' 2>/dev/null; then
        echo "peers: installing websockets into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
        echo "$want" >"$stamp"
    fi
    # Node: exactly the lockfile (npm ci), again only when it changed.
    local lock_hash
    lock_hash=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
    if [[ ! -f "$here/node_modules/.wsframe-stamp" || "$(cat "$here/node_modules/.wsframe-stamp")" != "$lock_hash" ]]; then
        echo "peers: installing ws into $here/node_modules"
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
        echo "$lock_hash" >"$here/node_modules/.wsframe-stamp"
    fi
    echo "peers: websockets $("$here/venv/bin/python" -c 'import websockets; print(websockets.__version__)'), ws $(node -p "require('$here/node_modules/ws/package.json').version")"
}

install
[[ "${1:-}" != --install ]] || exit 0

(cd "$root" && cargo build --release --quiet -p wsframe --example echo_server --example echo_client)
server="$target_dir/release/examples/echo_server"
client="$target_dir/release/examples/echo_client"

rc=0
echo "== Python websockets =="
timeout --kill-after=10 "$budget" "$here/venv/bin/python" "$here/peers_python.py" "$server" "$client" || rc=1
echo "== Node ws =="
(cd "$here" && timeout --kill-after=10 "$budget" node peers_node.mjs "$server" "$client") || rc=1
exit "$rc"
