#!/usr/bin/env python3
"""The layering rule of docs/architecture.md, checked on the tree.

Rooms, top to bottom: cli and calibrate (the two front ends), models (the
policies and performance models the engine reaches through tables of
functions), sim (the engine and its cluster, trace and output pieces), and
include/hpcsim (the public API). A file may depend only on its own room or
rooms below it; a header outside include/ is private to its directory; and
no two files may depend on each other in a circle.

Two graphs are checked: includes (from the sources) and calls (the
undefined and defined symbols of the object files, read with nm, when a
build directory is given). tests/ and bench/ may use anything.

    tests/layers/check_layers.py SOURCE_DIR [BUILD_DIR]

Prints every violation and exits 1 if there is any; prints the graph's
size otherwise.
"""
import os
import re
import subprocess
import sys
from collections import defaultdict

ROOMS = [  # (path prefix, level): a file may depend on levels <= its own
    ("cli/", 4),
    ("calibrate/", 4),
    ("models/", 3),
    ("sim/", 2),
    ("include/hpcsim/", 1),
]
EXEMPT = ("tests/", "bench/")
# Programs built apart, with their own main (the static microbenchmarks
# run in guests): calls are checked within them, not across.
SEPARATE = ("calibrate/bench/",)


def room(path):
    for prefix, level in ROOMS:
        if path.startswith(prefix):
            return prefix, level
    return None, None


def sources(top):
    out = []
    for d, _, files in os.walk(top):
        rel = os.path.relpath(d, top)
        if rel.startswith((".git", "build")):
            continue
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.normpath(os.path.join(rel, f)))
    return sorted(out)


def scope(path):
    """Where a private header (one outside include/) may be used: its own
    policy folder (models/policy/NAME/), models/policy/ or models/perf/,
    else its top-level room. A folder may also use its parents' headers."""
    parts = path.split("/")
    if parts[0] == "models" and len(parts) > 3:  # models/policy/NAME/file
        return "/".join(parts[:3]) + "/"
    if parts[0] == "models" and len(parts) == 3:  # models/policy/file, models/perf/file
        return "/".join(parts[:2]) + "/"
    return room(path)[0]


def resolve(top, src, name):
    """The file an #include "name" of src means, as the compiler finds it
    (beside it, in include/, or at the root of its room)."""
    bases = [os.path.dirname(src), "include"]
    if room(src)[0]:
        bases.append(room(src)[0])
    for base in bases:
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.exists(os.path.join(top, cand)):
            return cand
    return None


def include_edges(top, files):
    edges, problems = [], []
    for src in files:
        with open(os.path.join(top, src), encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                dst = resolve(top, src, m.group(1))
                if dst is None and not src.startswith(EXEMPT):
                    problems.append(f"{src}:{n}: include \"{m.group(1)}\" not found beside it or in include/")
                    continue
                if dst:
                    edges.append((src, dst, f"{src}:{n}: includes {dst}"))
    return edges, problems


def call_edges(build):
    """(caller object's source, callee object's source) from nm."""
    objs = []
    for d, _, files in os.walk(build):
        for f in files:
            if f.endswith(".c.o") and "/CMakeFiles/" in os.path.join(d, f) + "/":
                objs.append(os.path.join(d, f))
    defined, undefined = {}, defaultdict(set)
    src_of = {}
    for o in objs:
        # BUILD/SUBDIR/CMakeFiles/TARGET.dir/REL.o is SUBDIR/REL
        m = re.search(r"^(.*?)/?CMakeFiles/[^/]+\.dir/(.+)\.o$", os.path.relpath(o, build))
        if not m:
            continue
        src = os.path.normpath(os.path.join(m.group(1), m.group(2)))
        if src.startswith(EXEMPT) or room(src)[0] is None:
            continue
        src_of[o] = src
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBR":
                defined.setdefault(parts[2], set()).add(src)
            elif len(parts) == 2 and parts[0] == "U":
                undefined[src].add(parts[1])
    edges = []
    for src, syms in undefined.items():
        for s in syms:
            for dst in defined.get(s, ()):
                if dst != src and src.startswith(SEPARATE) == dst.startswith(SEPARATE):
                    edges.append((src, dst, f"{src}: calls {s} of {dst}"))
    return edges


def cycles(edges):
    """Strongly connected components of more than one file (Tarjan)."""
    graph = defaultdict(set)
    for a, b, _ in edges:
        graph[a].add(b)
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def module(path):
    """A .c and the header named like it are one module in the graphs."""
    if path.startswith("include/hpcsim/"):
        return path
    return path[:-2] if path.endswith((".c", ".h")) else path


def check(edges, what):
    problems = []
    for src, dst, why in edges:
        if src.startswith(EXEMPT):
            continue
        (sr, sl), (dr, dl) = room(src), room(dst)
        if sr is None or dr is None:
            continue
        if dl > sl or (dl == sl and sr != dr):
            problems.append(f"{why}: {sr} may not depend on {dr} (docs/architecture.md)")
        if what == "include" and dr != "include/hpcsim/" and not scope(src).startswith(scope(dst)):
            problems.append(f"{why}: a private header of {scope(dst)}, used from {scope(src)}")
    mod_edges = [(module(a), module(b), w) for a, b, w in edges if not a.startswith(EXEMPT) and module(a) != module(b)]
    if what == "include":  # headers including headers: only private ones can circle
        mod_edges = [e for e in mod_edges if not e[1].startswith("include/")]
    for comp in cycles(mod_edges):
        problems.append(f"{what} circle between: {' '.join(comp)}")
    return problems


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    top = sys.argv[1]
    files = sources(top)
    inc, problems = include_edges(top, files)
    problems += check(inc, "include")
    ncalls = 0
    if len(sys.argv) == 3:
        calls = call_edges(sys.argv[2])
        ncalls = len(calls)
        if not calls:
            problems.append(f"{sys.argv[2]}: no object files found (build first)")
        problems += check(calls, "call")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"layers: {len(files)} files, {len(inc)} includes, {ncalls} calls between files: no arrow up, no circle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
