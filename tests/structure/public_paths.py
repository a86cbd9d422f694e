#!/usr/bin/env python3
"""Public items of the core and the paths that reach them (issue #11, item 3): evidence, not a test
(rustdoc's JSON format is unstable, so this needs the nightly that wrote it).

    cargo +nightly rustdoc -p wsframe --lib --all-features -- -Z unstable-options --output-format json
    python3 tests/structure/public_paths.py target/doc/wsframe.json

Walks the public modules and `pub use` lines from the crate root and prints how many module-level
public items there are and which are reachable by more than one path.
"""
import json, sys
from collections import defaultdict
d = json.load(open(sys.argv[1]))
idx = d['index']
root = idx[str(d['root'])]
paths = defaultdict(set)
def kind(it): return next(iter(it['inner']))
def walk(mid, prefix, seen):
    m = idx.get(str(mid))
    if m is None or mid in seen: return
    seen = seen | {mid}
    for cid in m['inner']['module']['items']:
        it = idx.get(str(cid))
        if it is None or it.get('visibility') != 'public': continue
        k = kind(it)
        if k == 'use':
            u = it['inner']['use']
            tid = u.get('id')
            if tid is None: continue
            t = idx.get(str(tid))
            if t is None: continue
            if u.get('is_glob'):
                walk(tid, prefix, seen); continue
            name = u['name']
            if kind(t) == 'module':
                walk(tid, prefix + [name], seen)
            else:
                paths[tid].add('::'.join(prefix + [name]))
        elif k == 'module':
            walk(cid, prefix + [it['name']], seen)
        else:
            paths[cid].add('::'.join(prefix + [it['name']]))
walk(d['root'], ['wsframe'], frozenset())
multi = {k: v for k, v in paths.items() if len(v) > 1}
print('public items (module level):', len(paths), '; reachable by more than one path:', len(multi))
for k, v in sorted(multi.items(), key=lambda kv: sorted(kv[1])):
    print('  ', ' | '.join(sorted(v)))
