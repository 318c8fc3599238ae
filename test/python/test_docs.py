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


def test_docs_op_names_are_geflow_ops():
    """Every op the page names (its list of ops and each ops.<name> call) is
    a function of geflow.ops, and the list names every op there is."""
    import geflow

    with open(DOC) as f:
        text = f.read()
    listed = re.search(r"^The ops: (.*?)\(see", text, flags=re.S | re.M)
    assert listed, "python.md lost its list of ops"
    names = set(re.findall(r"[a-z][a-z0-9_]*", listed.group(1)))
    assert names == set(geflow.ops.__all__), (
        f"not ops: {sorted(names - set(geflow.ops.__all__))}, "
        f"unlisted: {sorted(set(geflow.ops.__all__) - names)}")
    called = set(re.findall(r"\bops\.([a-z][a-z0-9_]*)", text))
    assert called and called <= set(geflow.ops.__all__), sorted(called - set(geflow.ops.__all__))


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
