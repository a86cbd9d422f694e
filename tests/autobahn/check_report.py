#!/usr/bin/env python3
"""Judge an Autobahn Testsuite report directory (wstest exits 0 even for an incomplete run).

    check_report.py REPORT_DIR [--expected-cases FILE] [--agent NAME] [--strict-close] [--deflate]

Reads REPORT_DIR/index.json ({agent: {case_id: {behavior, behaviorClose, reportfile, ...}}}),
counts cases by `behavior` and by `behaviorClose`, lists every case that is not plainly OK
with its description (from the per-case JSON), and exits non-zero when

  * a case's behavior is FAILED (or anything other than OK/NON-STRICT/INFORMATIONAL/
    UNIMPLEMENTED),
  * a case is UNIMPLEMENTED outside 12.* / 13.* (the permessage-deflate cases), or, with
    --deflate (the endpoint negotiates permessage-deflate), anywhere: wstest says UNIMPLEMENTED
    when the endpoint declined the extension or did not offer what a 13.x case needs (a client
    that does not offer `client_max_window_bits` gets 13.3-13.7 as UNIMPLEMENTED),
  * an expected case is missing from the report (crash, hang, timeout, short run),
  * with --strict-close, a case's behaviorClose is not OK or INFORMATIONAL.

--expected-cases is a JSON list of case ids (run.sh gets it from wstest's own case registry via
`wstest_local.py --list-cases SPEC`). Without it the expected count comes from CATEGORY_SIZES.

The last line printed is `N passed, M failed` (N = OK + NON-STRICT + INFORMATIONAL,
M = FAILED + UNIMPLEMENTED + missing + other, and with --strict-close a bad closing behavior;
without --deflate, UNIMPLEMENTED 12.*/13.* cases are reported as ", K skipped"). Standard library
only.
"""
import argparse
import collections
import json
import os
import re
import sys

PASSING = ("OK", "NON-STRICT", "INFORMATIONAL")
CLOSE_PASSING = ("OK", "INFORMATIONAL")
# Cases per top-level category in autobahntestsuite 25.10.1 (there is no category 8;
# "1.*".."10.*" selects 301 cases, "*" 517).
CATEGORY_SIZES = {1: 16, 2: 11, 3: 7, 4: 10, 5: 20, 6: 145, 7: 37, 9: 54, 10: 1, 12: 90, 13: 126}
DEFAULT_CASES = ["%d.*" % c for c in range(1, 11)]


def case_key(case_id):
    return tuple(int(part) for part in case_id.split("."))


def one_line(text, limit=300):
    text = re.sub(r"<[^>]+>", "", text or "")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def expected_from_patterns(patterns):
    """Expected case count for whole-category patterns like "9.*" (None if not computable)."""
    total = 0
    for pattern in patterns:
        if pattern == "*":
            return sum(CATEGORY_SIZES.values())
        match = re.fullmatch(r"(\d+)\.\*", pattern)
        if not match:
            return None
        total += CATEGORY_SIZES.get(int(match.group(1)), 0)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_dir")
    parser.add_argument("--expected-cases", help="JSON file: list of the case ids that must run")
    parser.add_argument("--cases", help="JSON list of case patterns (when no --expected-cases)")
    parser.add_argument("--agent", help="agent name in index.json (default: the only one)")
    parser.add_argument("--strict-close", action="store_true",
                        help="also fail on a closing behavior other than OK/INFORMATIONAL")
    parser.add_argument("--deflate", action="store_true",
                        help="the endpoint negotiates permessage-deflate: UNIMPLEMENTED fails "
                             "12.*/13.* too")
    args = parser.parse_args()

    expected_ids = None
    if args.expected_cases:
        with open(args.expected_cases) as f:
            expected_ids = json.load(f)
        expected_count = len(expected_ids)
    else:
        patterns = json.loads(args.cases) if args.cases else DEFAULT_CASES
        expected_count = expected_from_patterns(patterns)
        if expected_count is None:
            parser.error("cannot compute the count for %s; pass --expected-cases" % patterns)

    index_path = os.path.join(args.report_dir, "index.json")
    try:
        with open(index_path) as f:
            index = json.load(f)
    except (OSError, ValueError) as e:
        print("autobahn: no usable report at %s (%s): wstest did not finish" % (index_path, e))
        print("0 passed, %d failed" % expected_count)
        return 1

    agents = sorted(index)
    if args.agent:
        agent = args.agent
    elif len(agents) == 1:
        agent = agents[0]
    else:
        print("autobahn: report has agents %s; pick one with --agent" % agents)
        print("0 passed, %d failed" % expected_count)
        return 1
    cases = index.get(agent, {})

    by_behavior = collections.Counter(c["behavior"] for c in cases.values())
    by_close = collections.Counter(c["behaviorClose"] for c in cases.values())
    if expected_ids is not None:
        missing = sorted(set(expected_ids) - set(cases), key=case_key)
        unexpected = sorted(set(cases) - set(expected_ids), key=case_key)
    else:
        missing = ["(%d cases)" % (expected_count - len(cases))] if len(cases) < expected_count else []
        unexpected = []

    failing, notes = [], []
    passed = failed = skipped = 0
    for case_id in sorted(cases, key=case_key):
        case = cases[case_id]
        behavior, close = case["behavior"], case["behaviorClose"]
        bad_close = close not in CLOSE_PASSING
        bad = behavior not in PASSING or (bad_close and args.strict_close)
        deflate_case = case_id.split(".")[0] in ("12", "13")
        if behavior == "UNIMPLEMENTED" and deflate_case and not args.deflate:
            bad = False  # permessage-deflate declined by an endpoint without it
            skipped += 1
        elif bad:
            failed += 1
        else:
            passed += 1
        if behavior == "OK" and not bad_close:
            continue
        detail = {}
        try:
            with open(os.path.join(args.report_dir, case["reportfile"])) as f:
                detail = json.load(f)
        except (OSError, ValueError, KeyError):
            pass
        line = "  %-8s %-14s close=%-16s %s" % (
            case_id, behavior, close, one_line(detail.get("description", "?")))
        if behavior != "OK":
            line += "\n           result: %s" % one_line(detail.get("result", ""))
        if bad_close:
            line += "\n           close:  %s (remote close code %s)" % (
                one_line(detail.get("resultClose", "")), case.get("remoteCloseCode"))
        (failing if bad else notes).append(line)
    total = len(cases)
    failed += len(missing) if expected_ids is not None else max(expected_count - total, 0)

    print("autobahn report: %s (agent %r)" % (args.report_dir, agent))
    print("  cases run: %d of %d expected" % (total, expected_count))
    print("  behavior:      " + ", ".join("%s=%d" % kv for kv in sorted(by_behavior.items())))
    print("  behaviorClose: " + ", ".join("%s=%d" % kv for kv in sorted(by_close.items())))
    if notes:
        print("not OK, but passing (%d):" % len(notes))
        print("\n".join(notes))
    if failing:
        print("FAILING (%d):" % len(failing))
        print("\n".join(failing))
    if missing:
        print("MISSING from the report (%d): %s" % (len(missing), " ".join(missing)))
    if unexpected:
        print("not in the expected case list (%d): %s" % (len(unexpected), " ".join(unexpected)))
    ok = not failing and not missing
    print("autobahn: %s" % ("PASS" if ok else "FAIL"))
    print("%d passed, %d failed" % (passed, failed) + (", %d skipped" % skipped if skipped else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
