"""Every option docs/compiler.md documents is one the tools take.

- Each GE option of the page's Options table (and its aliases): geflow-compile
  and geflow-run know it, as a flag of its name (a "ge." key through
  --option NAME=VALUE), and list it in --help (a flag's own line, or an alias
  in its "[GE: name, alias" note). An option whose --help gives a default or
  a list of values compiles with that value (--print-pipeline stops after the
  options are checked).
- Each --flag the page shows (in `code` or a code block) is known to the tool
  that precedes it there (geflow-compile unless geflow-opt, geflow-run or git
  is named first).

"Known" means the tool does not answer "Unknown command line argument" or
"unknown option"; a bad value may still be an error. Prints what it checked;
exits non-zero listing every failure.

Usage: check_documented_options.py docs/compiler.md
"""
import re
import subprocess
import sys

TOOLS = ("geflow-compile", "geflow-run", "geflow-opt", "git")
UNKNOWN = re.compile(r"Unknown command line argument|unknown option")


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def table_options(text):
    section = text.split("\n## Options\n", 1)[1].split("\n## ", 1)[0]
    names = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split("|")[1]
        if "environment variable" in first:
            continue  # read from the environment, not a tool flag
        names += re.findall(r"`([A-Za-z_.][A-Za-z0-9_.]*)`", first)
    return names


def shown_flags(text):
    """(tool, flag) for each --flag in the page's code spans and blocks."""
    found = []
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.S | re.M)
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", text, flags=re.S | re.M)
    pieces = [line for b in blocks for line in b.splitlines()]
    pieces += re.findall(r"`([^`]+)`", prose)
    for piece in pieces:
        tool = "geflow-compile"
        for token in re.findall(r"[A-Za-z0-9_.@/=:-]+", piece):
            name = token.rsplit("/", 1)[-1]
            if name in TOOLS:
                tool = name
            elif token.startswith("--") and len(token) > 2:
                found.append((tool, token.split("=", 1)[0]))
    return sorted(set(found))


def help_values(help_text, name):
    """A value --help documents for `name` (its default, else its first
    allowed value), or None."""
    m = re.search(r"\[GE: " + re.escape(name) + r"[^\]]*\]", help_text)
    if not m:
        return None
    note = m.group(0)
    d = re.search(r"default: ([^;\]]+)", note)
    if d:
        return d.group(1)
    v = re.search(r"values: ([^;\]|]+)", note)
    if v and ".." not in v.group(1):
        return v.group(1)
    return None


def main():
    text = open(sys.argv[1]).read()
    failures = []
    helps = {t: run([t, "--help"])[1] for t in ("geflow-compile", "geflow-run")}

    options = table_options(text)
    if len(options) < 15:
        failures.append(f"found only {len(options)} options in the table: {options}")
    for name in options:
        for tool in ("geflow-compile", "geflow-run"):
            tail = ["--print-pipeline"] if tool == "geflow-compile" else [
                "--model=/nonexistent/m.onnx"]
            if name.startswith("ge."):
                code, out = run([tool, "--option", f"{name}=1"] + tail)
                listed = True  # reached through --option, which --help lists
            else:
                code, out = run([tool, f"--{name}=1"] + tail)
                listed = (f"--{name}=" in helps[tool]
                          or re.search(r"\[GE: [^\]]*\b" + re.escape(name) + r"\b",
                                       helps[tool]) is not None)
            if UNKNOWN.search(out):
                failures.append(f"{tool} does not know the documented option "
                                f"'{name}': {out.strip()[:200]}")
            elif not listed:
                failures.append(f"{tool} --help does not list '{name}'")
            else:
                print(f"{tool}: {name} known")
        value = help_values(helps["geflow-compile"], name)
        if value is not None:
            code, out = run(["geflow-compile", f"--{name}={value}", "--print-pipeline"])
            if code != 0:
                failures.append(f"geflow-compile --{name}={value} (the value its "
                                f"--help documents) fails: {out.strip()[:200]}")
            else:
                print(f"geflow-compile: --{name}={value} accepted")

    flags = shown_flags(text)
    for tool, flag in flags:
        if tool == "git":
            continue
        if tool == "geflow-opt":
            ok = re.search(r"^\s+" + re.escape(flag) + r"\b", run([tool, "--help"])[1],
                           flags=re.M) is not None
            out = "" if ok else f"{flag} is not in geflow-opt --help"
        else:
            code, out = run([tool, flag])
            ok = not UNKNOWN.search(out)
        if ok:
            print(f"{tool}: {flag} known")
        else:
            failures.append(f"{tool} does not know the documented flag {flag}: "
                            f"{out.strip()[:200]}")
    if len(flags) < 10:
        failures.append(f"found only {len(flags)} flags on the page: {flags}")

    if failures:
        sys.exit("\n".join(failures))
    print(f"{len(options)} options and {len(flags)} flags of {sys.argv[1]} checked")


main()
