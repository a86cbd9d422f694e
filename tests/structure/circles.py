#!/usr/bin/env python3
"""Import circles between the modules of a crate (issue #11, item 2).

    python3 tests/structure/circles.py core/src ffi/src

For every `.rs` file, the module it defines (src/a/b.rs and src/a/b/mod.rs are `a::b`) and the
modules its non-test code names through `crate::…`, `super::…` or `self::…` paths. An edge from
module M to module N is lifted to the two children of their nearest common ancestor that contain
them (an edge between a module and its own ancestor or descendant is nesting, not a circle). A
circle is a strongly connected set of two or more such siblings. Prints each circle and exits 1
if there is any, else prints "no import circles" with the counts.
"""
import os
import re
import sys

PATH = re.compile(r"\b(crate|super|self)((?:::\w+)+)")
BRACED = re.compile(r"\b(crate|super|self)((?:::\w+)*)::\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", re.S)


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


def strip_tests(text):
    # Drop `#[cfg(test)] mod … { … }` blocks and `#[cfg(test)] mod x;` lines: test code may
    # reach anywhere without making the library's layering circular.
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*(;|\{)", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        if m.group(1) == ";":
            i = m.end()
            continue
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def resolve(module, head, tail, is_mod_file):
    base = list(module)
    if head == "super":
        base = base[:-1]
    elif head == "crate":
        base = []
    return tuple(base + [p for p in tail.split("::") if p])


def main(roots):
    circles = 0
    for src in roots:
        files = {}
        for dirpath, _, names in os.walk(src):
            for n in names:
                if n.endswith(".rs"):
                    p = os.path.join(dirpath, n)
                    if n == "tests.rs" or n.endswith("_tests.rs") or n.startswith("test_"):
                        continue  # a test module file (declared under #[cfg(test)] only)
                    files[module_of(src, p)] = p
        modules = set(files)
        edges = set()
        for mod, path in files.items():
            text = strip_tests(re.sub(r"//[^\n]*", "", open(path, encoding="utf-8").read()))
            refs = []
            for m in BRACED.finditer(text):
                for item in re.split(r"[,\s]+", re.sub(r"\{[^{}]*\}", "", m.group(3))):
                    refs.append((m.group(1), m.group(2) + "::" + item.split(" ")[0]))
            refs += [(m.group(1), m.group(2)) for m in PATH.finditer(text)]
            for head, tail in refs:
                target = resolve(mod, head, tail, path.endswith("mod.rs"))
                while target and target not in modules:
                    target = target[:-1]
                if not target:
                    continue
                k = 0
                while k < min(len(mod), len(target)) and mod[k] == target[k]:
                    k += 1
                if k == len(mod) or k == len(target):
                    continue  # nesting
                edges.add((mod[: k + 1], target[: k + 1]))
        graph = {}
        for a, b in edges:
            graph.setdefault(a, set()).add(b)
        # Tarjan's strongly connected components.
        index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

        def visit(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in graph.get(v, ()):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    comps.append(sorted(comp))

        for v in sorted(graph):
            if v not in index:
                visit(v)
        for comp in comps:
            circles += 1
            names = ["::".join(c) for c in comp]
            print("%s: circle: %s" % (src, " <-> ".join(names)))
        print("%s: %d modules, %d sibling edges" % (src, len(modules), len(edges)))
    if circles:
        print("%d import circles" % circles)
        return 1
    print("no import circles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["core/src", "ffi/src"]))
