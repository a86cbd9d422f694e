#!/usr/bin/env bash
# Run the Autobahn Testsuite against an echo endpoint and judge the report.
#
#   run.sh server   wstest -m fuzzingclient connects to our echo SERVER
#   run.sh client   wstest -m fuzzingserver listens; our echo CLIENT drives it
#                   (/getCaseCount, /runCase?case=i&agent=A for each i, /updateReports?agent=A)
#
# Environment (all optional):
#   WSF_AUTOBAHN_CASES    JSON list of case patterns; default ["1.*", ..., "10.*"] (301 cases).
#                         E.g. '["1.*"]'. 12.*/13.* are permessage-deflate (216 cases; see
#                         run-deflate-full.sh). Patterns are wstest's: "*" is the only wildcard
#                         ("12.1.1" is one case, "12.1.*" its group of 18).
#   WSF_AUTOBAHN_DEFLATE  1 (default): the endpoint negotiates permessage-deflate, so an
#                         UNIMPLEMENTED 12.*/13.* case fails; 0: such cases count as declined
#                         (", K skipped"), for endpoints without the extension.
#   WSF_AUTOBAHN_EXCLUDE  JSON list of case patterns to exclude; default [].
#   WSF_AUTOBAHN_PORT     TCP port on 127.0.0.1; default: a free one picked by the kernel.
#   WSF_AUTOBAHN_TIMEOUT  seconds for the whole run (wstest + driver); default 1200.
#   WSF_ECHO_SERVER_CMD   echo server command; "127.0.0.1:PORT" is appended. Default: build and
#                         run the Rust example (cargo build --release --example echo_server).
#   WSF_ECHO_CLIENT_CMD   echo client command; "ws://127.0.0.1:PORT AGENT" is appended.
#                         Default: the Rust example echo_client.
#                         (Both are split on whitespace: no quoting inside.)
#                         Relative paths are relative to the repository root.
#   WSF_AUTOBAHN_AGENT    agent name in the report; default "wsframe".
#   WSF_AUTOBAHN_STRICT_CLOSE  1 (default): a closing behavior other than OK/INFORMATIONAL
#                         (WRONG CODE, UNCLEAN, FAILED BY CLIENT, FAILED) fails the case too;
#                         0: such cases are only listed.
#   WSF_AUTOBAHN_LABEL    report subdirectory; default MODE (e.g. "c-server" for the C example).
#
# Everything listens on 127.0.0.1 only (wstest via wstest_local.py; its web UI is off: -u 0).
# Every process this script starts runs under `timeout` in its own process group, and the EXIT
# trap kills exactly those groups. Reports: tests/autobahn/reports/LABEL/ (index.html, index.json).
set -euo pipefail

mode=${1:-}
if [[ "$mode" != server && "$mode" != client ]]; then
    echo "usage: $0 server|client" >&2
    exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cases=${WSF_AUTOBAHN_CASES:-'["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "8.*", "9.*", "10.*"]'}
exclude=${WSF_AUTOBAHN_EXCLUDE:-'[]'}
budget=${WSF_AUTOBAHN_TIMEOUT:-1200}
agent=${WSF_AUTOBAHN_AGENT:-wsframe}
label=${WSF_AUTOBAHN_LABEL:-$mode}
out="$here/reports/$label"
target_dir=${CARGO_TARGET_DIR:-$root/target}
strict_close=${WSF_AUTOBAHN_STRICT_CLOSE:-1}
deflate=${WSF_AUTOBAHN_DEFLATE:-1}
started=$SECONDS
cd "$root"

log() { echo "autobahn[$label]: $*"; }
die() {
    echo "autobahn[$label]: error: $*" >&2
    exit 1
}

# --- process bookkeeping ------------------------------------------------------------------------
pgids=()
cleanup() {
    local pgid i
    for pgid in "${pgids[@]}"; do
        kill -TERM -- "-$pgid" 2>/dev/null || true
    done
    for pgid in "${pgids[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 -- "-$pgid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pgid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start LOGFILE CMD...: run CMD in the background under `timeout`, which makes itself the
# leader of a new process group: killing that group ends CMD and all of its children.
# Sets $last_pid.
start() {
    local logfile=$1
    shift
    timeout --kill-after=10 "$budget" "$@" >"$logfile" 2>&1 </dev/null &
    last_pid=$!
    pgids+=("$last_pid")
}

# is_listening PORT: whether a socket listens on PORT. `ss` (iproute2) looks without
# connecting; without it, a connect probe (which the endpoint sees as a client that hangs up).
is_listening() {
    if command -v ss >/dev/null; then
        [[ -n "$(ss -Hltn "sport = :$1")" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# wait_listening PORT PID: until something listens on 127.0.0.1:PORT (bounded: 30 s; PID must
# stay alive).
wait_listening() {
    local port=$1 pid=$2 i
    for ((i = 0; i < 300; i++)); do
        if is_listening "$port"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

show_log() {
    echo "----- last lines of $1 -----"
    tail -n "${2:-40}" "$1" || true
    echo "-----"
}

# --- setup --------------------------------------------------------------------------------------
bash "$here/install.sh"
py27="$here/venv/bin/python"

rm -rf "$out"
mkdir -p "$out"

if [[ -n "${WSF_AUTOBAHN_PORT:-}" ]]; then
    port=$WSF_AUTOBAHN_PORT
    if is_listening "$port"; then
        die "port $port is already in use"
    fi
else
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
url="ws://127.0.0.1:$port"

if [[ "$mode" == server ]]; then
    python3 - "$out/spec.json" "$url" "$agent" "$out" "$cases" "$exclude" <<'EOF'
import json, sys
path, url, agent, outdir, cases, exclude = sys.argv[1:]
spec = {"outdir": outdir, "servers": [{"agent": agent, "url": url}], "options": {},
        "cases": json.loads(cases), "exclude-cases": json.loads(exclude), "exclude-agent-cases": {}}
json.dump(spec, open(path, "w"), indent=2)
EOF
else
    python3 - "$out/spec.json" "$url" "$out" "$cases" "$exclude" <<'EOF'
import json, sys
path, url, outdir, cases, exclude = sys.argv[1:]
spec = {"url": url, "outdir": outdir, "options": {},
        "cases": json.loads(cases), "exclude-cases": json.loads(exclude), "exclude-agent-cases": {}}
json.dump(spec, open(path, "w"), indent=2)
EOF
fi
"$py27" "$here/wstest_local.py" --list-cases "$out/spec.json" >"$out/expected_cases.json"
n_cases=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$out/expected_cases.json")
[[ "$n_cases" -gt 0 ]] || die "case list $cases selects no case"

# Build the Rust example unless a command (e.g. a C example) is given.
if [[ "$mode" == server ]]; then
    if [[ -n "${WSF_ECHO_SERVER_CMD:-}" ]]; then
        read -r -a endpoint <<<"$WSF_ECHO_SERVER_CMD"
    else
        cargo build --release --quiet -p wsframe --example echo_server
        endpoint=("$target_dir/release/examples/echo_server")
    fi
    endpoint+=("127.0.0.1:$port")
else
    if [[ -n "${WSF_ECHO_CLIENT_CMD:-}" ]]; then
        read -r -a endpoint <<<"$WSF_ECHO_CLIENT_CMD"
    else
        cargo build --release --quiet -p wsframe --example echo_client
        endpoint=("$target_dir/release/examples/echo_client")
    fi
    endpoint+=("$url" "$agent")
fi

log "$n_cases cases, $url, budget ${budget}s, endpoint: ${endpoint[*]}"

# --- run ----------------------------------------------------------------------------------------
run_rc=0
if [[ "$mode" == server ]]; then
    start "$out/echo_server.log" "${endpoint[@]}"
    server_pid=$last_pid
    if ! wait_listening "$port" "$server_pid"; then
        show_log "$out/echo_server.log"
        die "echo server did not start listening on 127.0.0.1:$port"
    fi
    start "$out/wstest.log" "$py27" "$here/wstest_local.py" -m fuzzingclient -s "$out/spec.json"
    wait "$last_pid" || run_rc=$?
    if ! kill -0 "$server_pid" 2>/dev/null; then
        show_log "$out/echo_server.log"
        log "the echo server exited during the run"
        [[ $run_rc -ne 0 ]] || run_rc=1
    fi
    [[ $run_rc -eq 0 ]] || show_log "$out/wstest.log"
else
    start "$out/wstest.log" "$py27" "$here/wstest_local.py" -m fuzzingserver -s "$out/spec.json" -u 0
    wstest_pid=$last_pid
    if ! wait_listening "$port" "$wstest_pid"; then
        show_log "$out/wstest.log"
        die "wstest fuzzingserver did not start listening on 127.0.0.1:$port"
    fi
    start "$out/echo_client.log" "${endpoint[@]}"
    wait "$last_pid" || run_rc=$?
    if [[ $run_rc -ne 0 ]]; then
        show_log "$out/echo_client.log"
        show_log "$out/wstest.log" 20
    fi
fi
[[ $run_rc -ne 124 ]] || log "TIMED OUT after ${budget}s"
log "run finished in $((SECONDS - started)) s (exit status $run_rc)"

# --- judge --------------------------------------------------------------------------------------
[[ $run_rc -eq 0 ]] || echo "autobahn[$label]: error: the $mode run failed (exit status $run_rc)" >&2
log "report: $out/index.html"
check_rc=0
check_args=("$out" --expected-cases "$out/expected_cases.json" --agent "$agent")
[[ "$strict_close" == 0 ]] || check_args+=(--strict-close)
[[ "$deflate" == 0 ]] || check_args+=(--deflate)
python3 "$here/check_report.py" "${check_args[@]}" || check_rc=$?
if [[ $run_rc -ne 0 ]]; then
    exit "$run_rc"
fi
exit "$check_rc"
