"""Edits an op bank (docs/tuning.md) for the aoe_mode tests.

op_bank_edit.py BANK hint KC MC NC BLOCKS VARIANT ROWS
    sets every entry's tiling to the given hint (a known, non-default one)
op_bank_edit.py BANK break WHAT
    makes the bank bad in one way: version, tiling, kernel, duplicate, format
op_bank_edit.py BANK check
    prints the entry count and the kernels, and checks every entry's fields
"""
import json
import sys


def main(argv):
    path, cmd = argv[1], argv[2]
    with open(path) as f:
        bank = json.load(f)
    entries = bank["entries"]
    if cmd == "check":
        assert bank["format"] == "geflow-op-bank" and bank["version"] == 1
        for e in entries:
            assert len(e["tiling"]) == 6 and all(v >= 0 for v in e["tiling"])
            assert e["tuned_us"] <= e["default_us"] + 1e-9, e
            assert e["cores"] >= 1 and e["isa"] and e["tensors"]
        kernels = sorted({e["kernel"] for e in entries})
        print(f"entries: {len(entries)} kernels: {','.join(kernels)}")
        return
    if cmd == "hint":
        for e in entries:
            e["tiling"] = [int(v) for v in argv[3:9]]
    elif cmd == "break":
        what = argv[3]
        if what == "version":
            bank["version"] = 99
        elif what == "tiling":
            entries[1]["tiling"][0] = -8
        elif what == "kernel":
            entries[1]["kernel"] = "relu"
        elif what == "duplicate":
            entries.append(dict(entries[0]))
        elif what == "format":
            bank = {"entries": []}
    with open(path, "w") as f:
        json.dump(bank, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
