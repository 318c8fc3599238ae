"""Helpers for external-weight.test: file sizes, and damaging weight files.

  weight_files.py sizes INLINE.gfm EXTERNAL.gfm WEIGHT_DIR
      prints the sizes; fails unless the external .gfm is under a quarter
      of the inline one and the weight files hold what it left out
  weight_files.py truncate FILE       drops the last byte
  weight_files.py flip FILE           flips one bit in the middle
"""
import os
import sys


def main(argv):
    cmd = argv[1]
    if cmd == "sizes":
        inline, external, wdir = argv[2:5]
        i, e = os.path.getsize(inline), os.path.getsize(external)
        w = sum(os.path.getsize(os.path.join(wdir, f)) for f in os.listdir(wdir))
        print(f"inline .gfm {i} bytes; external .gfm {e} bytes + weight files {w} bytes")
        if not e * 4 < i:
            sys.exit(f"the external .gfm ({e} bytes) is not much smaller than {i}")
        if not e + w >= i - 4096:
            sys.exit(f"the weight files ({w} bytes) miss weights of the inline .gfm")
    elif cmd == "truncate":
        with open(argv[2], "r+b") as f:
            f.truncate(os.path.getsize(argv[2]) - 1)
    elif cmd == "flip":
        with open(argv[2], "r+b") as f:
            f.seek(os.path.getsize(argv[2]) // 2)
            b = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([b[0] ^ 0x10]))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
