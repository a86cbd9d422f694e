#!/usr/bin/env python3
"""Fails unless every function the given PE files import is on the Windows 7 SP1 allowlist.

    check_imports.py ALLOWLIST FILE...

Wine cannot prove that a DLL loads on Windows 7: it reports "Windows 7" yet provides Windows 8+
functions (a default `std` Rust cdylib, which imports ProcessPrng and WaitOnAddress, would pass a
Wine run on a newer Wine). So the import tables are read with `x86_64-w64-mingw32-objdump -p`
and every `DLL!function` pair must be listed in ALLOWLIST (tests/windows/win7-imports.txt; one
pair a line, `#` starts a comment, DLL names compare case-insensitively), or be exported by one
of the DLLs checked in the same run (a program importing from wsframe.dll). Imports by ordinal
and lines this script cannot read fail too. Prints each file's imports and ends with
`N passed, M failed` (one per file).
"""
import os
import re
import subprocess
import sys

OBJDUMP = "x86_64-w64-mingw32-objdump"


def load_allowlist(path):
    allowed = set()
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        dll, sep, func = line.partition("!")
        if not sep or not dll or not func:
            sys.exit("%s: not DLL!function: %r" % (path, raw.rstrip()))
        allowed.add((dll.lower(), func))
    return allowed


def imports(path):
    """(dll, function) pairs, plus the lines of the import section that are not understood."""
    text = subprocess.run([OBJDUMP, "-p", path], check=True, capture_output=True,
                          text=True).stdout
    pairs, unreadable = [], []
    section = text.partition("The Import Tables")[2]
    section = re.split(r"\n(?=The |PE File Base Relocations)", section, maxsplit=1)[0]
    dll = None
    for line in section.splitlines():
        m = re.match(r"\s*DLL Name: (\S+)\s*$", line)
        if m:
            dll = m.group(1).lower()
            continue
        if dll is None or not line.strip() or "Hint/Ord" in line:
            continue
        m = re.match(r"\s*[0-9a-f]+\s+\d+\s+([A-Za-z_][\w@?$]*)\s*$", line)
        if m:
            pairs.append((dll, m.group(1)))
        elif re.fullmatch(r"\s*([0-9a-f]+\s+){5}[0-9a-f]+\s*", line):
            dll = None  # the next directory entry (or the all-zero terminator)
        else:
            unreadable.append("%s: %s" % (dll, line.strip()))
    return pairs, unreadable


def exports(path):
    """(dll, function) pairs a DLL exports, under the file's own name."""
    text = subprocess.run([OBJDUMP, "-p", path], check=True, capture_output=True,
                          text=True).stdout
    table = text.partition("[Ordinal/Name Pointer] Table")[2]
    dll = os.path.basename(path).lower()
    return {(dll, m.group(1)) for m in re.finditer(r"^\s*\[\s*\d+\] (\S+)\s*$", table, re.M)}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    allowed = load_allowlist(sys.argv[1])
    passed = failed = 0
    for path in sys.argv[2:]:
        if path.lower().endswith(".dll"):
            allowed |= exports(path)
    for path in sys.argv[2:]:
        pairs, unreadable = imports(path)
        bad = ["%s!%s" % p for p in pairs if p not in allowed] + unreadable
        dlls = sorted({d for d, _ in pairs})
        print("%s: %d imports from %s" % (path, len(pairs), ", ".join(dlls) or "nothing"))
        for dll in dlls:
            print("    %s: %s" % (dll, " ".join(f for d, f in pairs if d == dll)))
        if not pairs:
            bad.append("no import table found")
        if bad:
            failed += 1
            print("  NOT on the Windows 7 list (%s):" % sys.argv[1])
            for item in bad:
                print("    " + item)
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
