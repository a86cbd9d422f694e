#!/usr/bin/env python3
"""Lists every place where a firmware can still panic, from its disassembly.

    panic_audit.py ELF [--allow SUBSTRING ...]

The firmware must be built with debug info and a panic handler that links
(feature `panic-exit`). Every function that can reach the panic handler
(`rust_begin_unwind`, or `core::panicking::*` when it is inlined) through direct calls or branches is "panicking"; each
call from code outside the Rust standard library into a panicking function
of the standard library (core::panicking::*, slice index failures, the
length check of copy_from_slice, ...) is a panic site, named by the first
source line outside `/rustc/` in its inline chain (addr2line -i). Sites whose source contains one of the --allow substrings
are expected; any other site fails (exit 1). Prints every site either way.
"""
import re
import subprocess
import sys
from collections import defaultdict

FUNC = re.compile(r"^([0-9a-f]+) <(.+)>:$")
# Thumb-2 calls and branches with a direct target: bl, b, b.w, beq.n, ...
BRANCH = re.compile(r"^\s*([0-9a-f]+):\s+(bl|b(?:eq|ne|cs|cc|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?"
                    r"(?:\.[nw])?)\s+([0-9a-f]+)\b")


def disassemble(elf):
    out = subprocess.run(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", elf],
                         check=True, capture_output=True, text=True).stdout
    funcs = {}          # start address -> mangled name
    calls = []          # (site address, caller start, target address)
    current = None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            current = int(m.group(1), 16)
            funcs[current] = m.group(2)
            continue
        m = BRANCH.match(line)
        if m and current is not None:
            calls.append((int(m.group(1), 16), current, int(m.group(3), 16)))
    return funcs, calls


def demangle(names):
    out = subprocess.run(["arm-none-eabi-c++filt"], input="\n".join(names),
                         check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def source_of(elf, addresses):
    if not addresses:
        return {}
    out = subprocess.run(["arm-none-eabi-addr2line", "-e", elf, "-i", "-a"] +
                         [hex(a) for a in addresses],
                         check=True, capture_output=True, text=True).stdout
    result, current = {}, None
    for line in out.splitlines():
        if line.startswith("0x"):
            current = int(line, 16)
            result[current] = []
        elif current is not None:
            result[current].append(line.strip())
    return result


def main():
    elf = sys.argv[1]
    allow = []
    args = sys.argv[2:]
    while args:
        if args[0] == "--allow" and len(args) > 1:
            allow.append(args[1])
            args = args[2:]
        else:
            sys.exit(f"unknown argument {args[0]}")
    funcs, calls = disassemble(elf)
    names = dict(zip(funcs, demangle(list(funcs.values()))))
    # The handler may be inlined into core::panicking::panic_fmt.
    handler = [a for a, n in names.items()
               if "rust_begin_unwind" in n or re.match(r"core(\[[0-9a-f]+\])?::panicking::", n)]
    if not handler:
        print("panic_audit: no panic machinery in the firmware: nothing can panic")
        return 0
    callers = defaultdict(set)
    for site, caller, target in calls:
        if target in funcs and target != caller:
            callers[target].add(caller)
    panicking, todo = set(handler), list(handler)
    while todo:
        for caller in callers[todo.pop()]:
            if caller not in panicking:
                panicking.add(caller)
                todo.append(caller)
    # A site is a call from outside the standard library straight into its
    # panic machinery (core::panicking, slice index failures, the
    # length check of copy_from_slice, ...); calls into user functions that
    # can panic are not sites themselves, the calls inside them are.
    std = re.compile(r"^(core|alloc|std)(\[[0-9a-f]+\])?::|rust_begin_unwind")
    sites = [(site, caller, target) for site, caller, target in calls
             if target in panicking and target != caller and std.search(names[target])]
    where = source_of(elf, [s for s, _, _ in sites])
    unexpected, expected = [], []
    for site, caller, target in sites:
        chain = where.get(site, [])
        own = [c for c in chain if not c.startswith("/rustc/") and not c.startswith("??")]
        if not own:
            continue  # inside the standard library's own panic machinery
        line = re.sub(r".*/registry/src/[^/]+/", "", own[0])
        line = re.sub(r"^.*?/(core|tests|ffi)/", r"\1/", line)
        entry = f"{line}  (in {names[caller][:90]}, calls {names[target][:60]})"
        (expected if any(a in own[0] for a in allow) else unexpected).append(entry)
    for entry in sorted(set(expected)):
        print(f"  allowed   {entry}")
    for entry in sorted(set(unexpected)):
        print(f"  PANIC     {entry}")
    print(f"panic_audit: {len(set(unexpected))} unexpected panic site(s), "
          f"{len(set(expected))} allowed")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
