"""Runs the worked example of docs/debugging.md end to end: every ```sh block
of its "Worked example" section, in order, in one scratch directory (with the
build's bin/ on PATH and its python/ on PYTHONPATH), and checks that each
```text block after a command block is in that command's output: each of its
lines, in order, whitespace-collapsed; a line ending in "..." matches any
line starting with what precedes it. The files the example lists with `ls`
are checked the same way."""
import os
import re
import subprocess

import geflow
from conftest import REPO

DOC = os.path.join(REPO, "docs", "debugging.md")
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(geflow.__file__))))


def example_blocks():
    text = open(DOC).read()
    section = re.search(r"^## Worked example.*?(?=^## |\Z)", text, flags=re.S | re.M)
    assert section, "docs/debugging.md lost its '## Worked example' section"
    return re.findall(r"^```(sh|text)\n(.*?)^```", section.group(0), flags=re.S | re.M)


def _norm(line):
    return " ".join(line.split())


def expect_lines(expected, output, command):
    got = [_norm(x) for x in output.splitlines()]
    pos = 0
    for want in (_norm(x) for x in expected.splitlines()):
        if not want or want == "...":
            continue
        prefix = want[:-3].rstrip() if want.endswith("...") else None
        while pos < len(got) and not (got[pos].startswith(prefix) if prefix is not None
                                       else got[pos] == want):
            pos += 1
        assert pos < len(got), (f"docs/debugging.md: the output of\n{command}\nlacks the line "
                                f"(in order)\n  {want}\nit was:\n{output}")
        pos += 1


def test_worked_example_runs_as_documented(tmp_path):
    blocks = example_blocks()
    assert [kind for kind, _ in blocks].count("sh") >= 4
    os.symlink(os.path.join(REPO, "examples"), tmp_path / "examples")
    env = dict(os.environ, PATH=os.path.join(BUILD, "bin") + os.pathsep + os.environ["PATH"],
               PYTHONPATH=os.path.join(BUILD, "python"))
    last = None
    for kind, body in blocks:
        if kind == "sh":
            run = subprocess.run(["bash", "-ec", body], cwd=tmp_path, env=env,
                                 capture_output=True, text=True, timeout=120)
            assert run.returncode == 0, f"{body}\nfailed:\n{run.stdout}\n{run.stderr}"
            last = (body, run.stdout)
        else:
            assert last, "an output block before any command"
            expect_lines(body, last[1], last[0])
