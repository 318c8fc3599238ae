"""Runs every ```python block of docs/python.md, in order, in one namespace,
in an empty directory: the documentation's examples must work as written."""
import os
import re
import subprocess

from conftest import REPO

DOC = os.path.join(REPO, "docs", "python.md")


def blocks(language):
    with open(DOC) as f:
        text = f.read()
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def python_blocks():
    return blocks("python")


def test_docs_have_examples():
    assert len(python_blocks()) >= 8


def test_docs_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_python_md"}
    for i, block in enumerate(python_blocks()):
        code = compile(block, f"{DOC} block {i}", "exec")
        exec(code, namespace)  # noqa: S102 - the point of the test


def test_docs_shell_commands_run():
    # The page's commands use the default build directory; the suite may run
    # against another one (PYTHONPATH names it).
    package = os.environ.get("PYTHONPATH", "build/python").split(os.pathsep)[0]
    for block in blocks("sh"):
        script = block.replace("build/python", package)
        subprocess.run(["bash", "-ec", script], cwd=REPO, check=True)
