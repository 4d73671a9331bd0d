#!/usr/bin/env python3
"""Import cycles between source files of the workspace crates (app, server).

Every `crate::…`, `super::…` and `self::…` path in a file (use statements and inline paths) is
resolved to the deepest module that exists as a file; an edge A -> B means file A names something
of file B. A strongly connected group of two or more files is a cycle. Re-exports from a parent
module file (`pub use child::X;` in mod.rs) do count: they are how cycles hide.

    tests/arch/import-cycles.py            # every crate: prints the cycles, exits 1 if there is one
    tests/arch/import-cycles.py app        # only the named crate(s)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CRATES = {"app": "app/src", "server": "server/src"}
PATH = re.compile(r"\b(crate|super|self)((?:::\w+)+)")
# `crate::a::{…}`, `super::{…}` and also `child::{…}` (a parent re-exporting from its children).
USE_GROUP = re.compile(r"\buse\s+(crate|super|self|\w+)((?:::\w+)*)::\{([^;]*)\};", re.S)


def module_files(src):
    """Module path (tuple) -> file path, for every .rs file under src."""
    modules = {}
    for dirpath, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            modules[tuple(rel)] = os.path.join(dirpath, name)
    return modules


def strip_comments_and_tests(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    # Unit-test modules may name anything of their parent; they are not part of the layering.
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
    return text[: cut.start()] if cut else text


def expand_groups(text):
    """`use crate::a::{b, c::d}` -> `crate::a::b crate::a::c::d` (one level of braces is enough here).
    Groups under a child module (`pub use photo::{A, B};`) are expanded too, so re-exports count."""
    def one(match):
        head = match.group(1) + match.group(2)
        parts = [p.strip() for p in match.group(3).replace("{", ",").replace("}", ",").split(",")]
        return " ".join(f"{head}::{p.split(' as ')[0].strip()}" for p in parts if p and p != "self")
    return USE_GROUP.sub(one, text)


def resolve(anchor, segments, modules):
    """The deepest existing module named by anchor + segments."""
    path = list(anchor) + segments
    for end in range(len(path), -1, -1):
        if tuple(path[:end]) in modules:
            return tuple(path[:end])
    return ()


def edges(modules):
    graph = {m: set() for m in modules}
    for module, file in modules.items():
        here, parent = module, module[:-1]
        text = expand_groups(strip_comments_and_tests(open(file, encoding="utf-8").read()))
        for kind, rest in PATH.findall(text):
            segments = [s for s in rest.split("::") if s]
            anchor = () if kind == "crate" else (here if kind == "self" else parent)
            while segments and segments[0] == "super":
                anchor, segments = anchor[:-1], segments[1:]
            target = resolve(anchor, segments, modules)
            if target != module:
                graph[module].add(target)
        # Paths through a child module declared here (`mod photos;` then `photos::Photo`).
        for child in re.findall(r"\bmod\s+(\w+)\s*;", text):
            for rest in re.findall(rf"(?<![:\w]){child}((?:::\w+)+)", text):
                target = resolve(module + (child,), [s for s in rest.split("::") if s], modules)
                if target != module:
                    graph[module].add(target)
    return graph


def cycles(graph):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def main(args):
    unknown = [name for name in args if name not in CRATES]
    if unknown:
        print(f"unknown crate(s): {', '.join(unknown)} (known: {', '.join(CRATES)})", file=sys.stderr)
        return 2
    total = 0
    for crate in args or CRATES:
        src = CRATES[crate]
        modules = module_files(os.path.join(ROOT, src))
        graph = edges(modules)
        for group in cycles(graph):
            total += 1
            names = sorted("::".join(m) or "(crate root)" for m in group)
            print(f"{crate}: cycle between {', '.join(names)}")
            for m in sorted(group):
                inside = sorted("::".join(t) or "(crate root)" for t in graph[m] if t in group)
                print(f"    {'::'.join(m) or '(crate root)'} -> {', '.join(inside)}")
    if total:
        print(f"{total} import cycle(s)")
        return 1
    print(f"no import cycles between source files of {', '.join(args or CRATES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
