"""scripts/check-layering.py: holds on the repository, fails on planted
private includes (one per rule), passes on public ones."""
import os
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SCRIPT = os.path.join(REPO, 'scripts', 'check-layering.py')


def run(root):
    return subprocess.run([sys.executable, SCRIPT, '--root', str(root)],
                          capture_output=True, text=True, timeout=120)


def write(root, path, text=''):
    full = root / path
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_text(text)


def test_repository_layering_holds():
    result = run(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'layering holds' in result.stdout


@pytest.mark.parametrize('including,line,owner', [
    ('tools/geflow-run/Run.cpp', '#include "runtime/src/StreamCore.h"', 'runtime/src'),
    ('runtime/executor/Context.cpp', '#include "src/StreamCore.h"', 'runtime/src'),
    ('lib/Compiler/Options.cpp',
     '#include "dialects/ge/Transforms/Precision/OpInfo.h"', 'dialects/ge'),
    ('python/src/Module.cpp', '#include "lib/Compiler/Gears.h"', 'lib/Compiler'),
])
def test_planted_private_include_fails(tmp_path, including, line, owner):
    write(tmp_path, 'runtime/src/StreamCore.h')
    write(tmp_path, 'dialects/ge/Transforms/Precision/OpInfo.h')
    write(tmp_path, 'lib/Compiler/Gears.h')
    write(tmp_path, including, line + '\n')
    result = run(tmp_path)
    assert result.returncode == 1
    assert f'{including}:1:' in result.stdout
    assert f'private to {owner}/' in result.stdout


def test_runtime_including_compiler_fails(tmp_path):
    write(tmp_path, 'include/geflow/Compiler/Options.h')
    write(tmp_path, 'runtime/src/Device.cpp',
          '#include "geflow/Compiler/Options.h"\n#include <mlir/IR/Value.h>\n')
    result = run(tmp_path)
    assert result.returncode == 1
    assert 'runtime/src/Device.cpp:1: the runtime includes compiler header' in result.stdout
    assert 'runtime/src/Device.cpp:2: the runtime includes compiler code' in result.stdout


def test_public_headers_pass(tmp_path):
    write(tmp_path, 'runtime/include/geflow/runtime/Half.h')
    write(tmp_path, 'include/geflow/Compiler/Options.h')
    write(tmp_path, 'dialects/ge/IR/GEOps.h')
    write(tmp_path, 'dialects/ge/Transforms/Passes.h')
    write(tmp_path, 'tools/geflow-run/Run.cpp',
          '#include "geflow/runtime/Half.h"\n#include "geflow/Compiler/Options.h"\n'
          '#include "dialects/ge/IR/GEOps.h"\n#include "dialects/ge/Transforms/Passes.h"\n')
    write(tmp_path, 'test/unit/kernels/ConvTest.cpp', '#include "kernels/cube/conv.h"\n')
    write(tmp_path, 'runtime/kernels/cube/conv.h')
    result = run(tmp_path)
    assert result.returncode == 0, result.stdout


def test_mpi_outside_the_collectives_component_fails(tmp_path):
    write(tmp_path, 'runtime/executor/Comm.cpp', '#include <mpi.h>\n')
    write(tmp_path, 'runtime/collectives/MpiOps.cpp', '#include <mpi.h>\n')
    result = run(tmp_path)
    assert result.returncode == 1
    assert 'runtime/executor/Comm.cpp:1: only runtime/collectives includes mpi.h' \
        in result.stdout
    assert 'MpiOps.cpp' not in result.stdout
