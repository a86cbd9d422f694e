#!/usr/bin/env bash
# All 216 permessage-deflate cases of the Autobahn Testsuite (12.* and 13.*) against an echo
# endpoint, in one or both roles, through run.sh (same processes, same 127.0.0.1-only rules,
# same judgement: every case OK, UNIMPLEMENTED fails).
#
#   bash tests/autobahn/run-deflate-full.sh              # server, then client (Rust examples)
#   bash tests/autobahn/run-deflate-full.sh server       # one role
#   WSF_ECHO_SERVER_CMD=ffi/examples/build/echo_server WSF_ECHO_CLIENT_CMD=ffi/examples/build/echo_client \
#       WSF_AUTOBAHN_AGENT=wsframe-c WSF_DEFLATE_FULL_PREFIX=c- bash tests/autobahn/run-deflate-full.sh
#
# Why a separate script: 12.* (90 cases) and 13.* (126) each echo 1 000 messages of 16 B-128 KiB
# and compare hashes; a full run takes ~13-16 min per role on a busy 2-core machine, rows 10-18
# of each group being ~80 % of it. The test command (tests/run-all.sh, step `autobahn`) runs
# rows 1-9 of every group (108 cases per role, ~2.5 min); this script runs the rest too.
#
# 13.x parameter sets: 13.1 defaults, 13.2 no context takeover, 13.3 window 9 (newer wstest
# sources use 8), 13.4 window 15, 13.5/13.6 both, 13.7 three offers with fallback. A client that
# does not offer `client_max_window_bits` gets 13.3-13.7 as UNIMPLEMENTED, which fails here.
#
# Environment: everything run.sh takes (WSF_ECHO_SERVER_CMD, WSF_ECHO_CLIENT_CMD,
# WSF_AUTOBAHN_AGENT, WSF_AUTOBAHN_PORT, WSF_AUTOBAHN_STRICT_CLOSE, ...), except that the cases
# are fixed and WSF_AUTOBAHN_TIMEOUT defaults to 3600 s per role (a full role took
# ~13 min alone on this machine kind and over 40 min with other suites running), plus
#   WSF_DEFLATE_FULL_PREFIX   report label prefix; labels are PREFIXdeflate-full-ROLE
#                             (tests/autobahn/reports/...). Default: none.
# Each role ends with run.sh's "N passed, M failed"; the exit status is non-zero if either
# role failed (both roles run even when the first fails).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case ${1:-both} in
    server | client) roles=("$1") ;;
    both) roles=(server client) ;;
    *)
        echo "usage: $0 [server|client|both]" >&2
        exit 2
        ;;
esac

prefix=${WSF_DEFLATE_FULL_PREFIX:-}
rc=0
summary=()
for role in "${roles[@]}"; do
    start=$SECONDS
    role_rc=0
    WSF_AUTOBAHN_CASES='["12.*", "13.*"]' WSF_AUTOBAHN_EXCLUDE='[]' WSF_AUTOBAHN_DEFLATE=1 \
        WSF_AUTOBAHN_TIMEOUT=${WSF_AUTOBAHN_TIMEOUT:-3600} \
        WSF_AUTOBAHN_LABEL="${prefix}deflate-full-$role" \
        bash "$here/run.sh" "$role" || role_rc=$?
    summary+=("$role: $([[ $role_rc -eq 0 ]] && echo PASS || echo "FAIL (exit status $role_rc)"), $((SECONDS - start)) s")
    [[ $role_rc -eq 0 ]] || rc=$role_rc
done
echo "deflate-full: ${summary[*]}"
exit "$rc"
