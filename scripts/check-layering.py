#!/usr/bin/python3
"""Fails when a source file includes another component's private header.

geflow's arrows point one way: tools and python -> compiler -> runtime. Each
component keeps private headers in its own folder; what others may use lives
in a public home (include/geflow for the compiler, runtime/include for the
runtime, a dialect's IR/ and its Transforms/Passes.h). This script resolves
every quoted #include of every C/C++ file git tracks and checks it against
those rules. Usage: scripts/check-layering.py [--root DIR]; exit 1 with one
line per violation, 0 when the layering holds.
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCE_EXT = ('.c', '.cc', '.cpp', '.h', '.hpp', '.inc', '.def')

# Folders each file's quoted includes are looked up in, after its own folder
# (the include directories CMake gives the targets).
SEARCH_DIRS = ('', 'include', 'runtime/include', 'runtime')

# Unit tests and benchmarks may look inside the component they test.
TEST_ACCESS = {
    'test/unit/kernels': ('runtime/kernels',),
    'test/unit/runtime': ('runtime/src', 'runtime/executor', 'runtime/model'),
    'test/unit/executor': ('runtime/executor', 'runtime/model'),
    'test/unit/compiler': ('lib/', 'dialects/'),
    'test/unit/session': ('lib/Session',),
    'test/unit/serve': ('tools/geflow-serve/',),
    'test/fuzz': ('runtime/', 'lib/', 'dialects/', 'tools/geflow-serve/'),
    'bench/kernels': ('runtime/kernels',),
}

# Generated headers that serve as public schemas (built from runtime/proto).
GENERATED_PUBLIC = ('proto/gfm.pb.h',)


def component(path):
    """The component a repository path belongs to (its private home)."""
    parts = path.split('/')
    if parts[0] == 'python':
        return 'python'
    if parts[0] == 'test' and len(parts) > 3:
        return '/'.join(parts[:3])
    if len(parts) > 2:
        return '/'.join(parts[:2])
    return parts[0]


def is_public(path):
    """Headers any component above may include."""
    if path.startswith(('include/geflow/', 'runtime/include/')):
        return True
    m = re.match(r'dialects/[^/]+/(IR/[^/]+|Transforms/Passes\.h(\.inc)?)$', path)
    if m:
        return True
    return path in ('lib/Conversion/Passes.h', 'lib/Conversion/Passes.h.inc')


def is_compiler(path):
    return path.startswith(('include/geflow/', 'lib/', 'dialects/', 'tools/', 'python/'))


def is_runtime(path):
    return path.startswith('runtime/')


def resolve(root, including, target):
    """The repository path `target` names, or None for system/external ones."""
    candidates = [os.path.join(os.path.dirname(including), target)]
    candidates += [os.path.join(d, target) for d in SEARCH_DIRS]
    for c in candidates:
        c = os.path.normpath(c)
        if os.path.isfile(os.path.join(root, c)):
            return c
    # Generated headers (tblgen .inc, protobuf): judge them by the folder
    # they would be generated for.
    for c in candidates:
        c = os.path.normpath(c)
        if c.startswith('..'):
            continue
        if os.path.isdir(os.path.join(root, os.path.dirname(c) or '.')) and \
                c.endswith(('.inc', '.pb.h')):
            return c
    return None


def check_file(root, path):
    problems = []
    mine = component(path)
    allowed_extra = ()
    for prefix, extra in TEST_ACCESS.items():
        if path.startswith(prefix + '/'):
            allowed_extra = extra
    try:
        with open(os.path.join(root, path), encoding='utf-8', errors='replace') as f:
            lines = f.readlines()
    except OSError as e:
        return [f'{path}: cannot read: {e}']
    for lineno, line in enumerate(lines, 1):
        m = INCLUDE_RE.match(line)
        if not m:
            continue
        kind, target = m.groups()
        where = f'{path}:{lineno}'
        if is_runtime(path) and kind == '<' and target.startswith(('mlir/', 'llvm/')):
            problems.append(f'{where}: the runtime includes compiler code <{target}>')
            continue
        if target == 'mpi.h' and not path.startswith('runtime/collectives/'):
            problems.append(f'{where}: only runtime/collectives includes mpi.h '
                            '(use geflow/runtime/Collectives.h)')
            continue
        if kind != '"':
            continue
        if target in GENERATED_PUBLIC:
            continue
        resolved = resolve(root, path, target)
        if resolved is None:
            continue
        if is_runtime(path) and not path.startswith('runtime/include/') and \
                is_compiler(resolved):
            problems.append(f'{where}: the runtime includes compiler header "{target}"')
            continue
        if path.startswith('runtime/include/') and is_compiler(resolved):
            problems.append(f'{where}: the runtime includes compiler header "{target}"')
            continue
        theirs = component(resolved)
        if theirs == mine or is_public(resolved):
            continue
        if resolved.startswith(allowed_extra) and allowed_extra:
            continue
        problems.append(f'{where}: "{target}" is private to {theirs}/ '
                        f'(give the shared piece a public header)')
    return problems


def tracked_files(root):
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files'], check=True,
                             capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
        for d, _, files in os.walk(root):
            for f in files:
                out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(p for p in out if p.endswith(SOURCE_EXT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default=os.path.join(os.path.dirname(__file__), '..'))
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    problems = []
    files = tracked_files(root)
    for path in files:
        problems += check_file(root, path)
    for p in problems:
        print(p)
    if problems:
        print(f'check-layering: {len(problems)} private include(s) across components',
              file=sys.stderr)
        return 1
    print(f'check-layering: {len(files)} files, layering holds')
    return 0


if __name__ == '__main__':
    sys.exit(main())
