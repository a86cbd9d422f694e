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
# and compare hashes; a full run takes ~13-16 min per role on an idle 2-core machine (rows 10-18
# of each group are ~80 % of it) and ~55 min with other suites running (load 13-19). The test command
# (tests/run-all.sh, step `autobahn`) runs rows 1-9 of every group (108 cases per role); this
# script runs all 18 rows.
#
# It runs one group (12.1 ... 13.7, 18 cases) per run.sh call: wstest writes its report only when
# a run ends, so a run cut short by its time budget loses one group, not the whole set. Each
# group's report is tests/autobahn/reports/PREFIXdeflate-full-ROLE-GROUP/.
#
# 13.x parameter sets: 13.1 defaults, 13.2 no context takeover, 13.3 window 9 (newer wstest
# sources use 8), 13.4 window 15, 13.5/13.6 both, 13.7 three offers with fallback. A client that
# does not offer `client_max_window_bits` gets 13.3-13.7 as UNIMPLEMENTED, which fails here.
#
# Environment: everything run.sh takes (WSF_ECHO_SERVER_CMD, WSF_ECHO_CLIENT_CMD,
# WSF_AUTOBAHN_AGENT, WSF_AUTOBAHN_PORT, WSF_AUTOBAHN_STRICT_CLOSE, ...) except the case list, plus
#   WSF_DEFLATE_FULL_GROUPS   the groups to run, in order; default all twelve, 12.1 ... 13.7
#   WSF_DEFLATE_FULL_PREFIX   report label prefix (e.g. "c-"); default none
#   WSF_AUTOBAHN_TIMEOUT      seconds per group; default 900
# Each group ends with run.sh's "N passed, M failed"; each role with a line
# "deflate-full ROLE: K of N cases OK (G groups)". The exit status is non-zero if any group
# failed (every group of every role runs even after a failure).
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

read -r -a groups <<<"${WSF_DEFLATE_FULL_GROUPS:-12.1 12.2 12.3 12.4 12.5 13.1 13.2 13.3 13.4 13.5 13.6 13.7}"
prefix=${WSF_DEFLATE_FULL_PREFIX:-}
rc=0
for role in "${roles[@]}"; do
    start=$SECONDS
    ok=0 total=0 failed_groups=()
    for group in "${groups[@]}"; do
        label="${prefix}deflate-full-$role-$group"
        group_rc=0
        WSF_AUTOBAHN_CASES="[\"$group.*\"]" WSF_AUTOBAHN_EXCLUDE='[]' WSF_AUTOBAHN_DEFLATE=1 \
            WSF_AUTOBAHN_TIMEOUT=${WSF_AUTOBAHN_TIMEOUT:-900} WSF_AUTOBAHN_LABEL="$label" \
            bash "$here/run.sh" "$role" || group_rc=$?
        # Count the group's OK cases from its report (0 if wstest wrote none).
        read -r n_ok n_all < <(python3 - "$here/reports/$label" <<'PY'
import json, os, sys
d = sys.argv[1]
try:
    expected = len(json.load(open(os.path.join(d, "expected_cases.json"))))
    cases = next(iter(json.load(open(os.path.join(d, "index.json"))).values()), {})
except (OSError, ValueError):
    print(0, 18)
    sys.exit()
print(sum(c["behavior"] == "OK" and c["behaviorClose"] in ("OK", "INFORMATIONAL")
          for c in cases.values()), expected)
PY
        )
        ok=$((ok + n_ok))
        total=$((total + n_all))
        if [[ $group_rc -ne 0 ]]; then
            rc=$group_rc
            failed_groups+=("$group")
        fi
    done
    echo "deflate-full $role: $ok of $total cases OK (${#groups[@]} groups, $((SECONDS - start)) s)${failed_groups[*]:+; failing groups: ${failed_groups[*]}}"
done
exit "$rc"
