#!/usr/bin/env python3
"""split_field.py: deal a freshly collected round of field cases into a
development half and a holdout half, at random with a fixed seed, before any
fix is written against them. Both halves stay in the suite; the holdout
score (taken before and after the fixes) is the honest figure.

    python3 tests/tools/split_field.py SRC_DIR DEV_DIR HOLDOUT_DIR [SEED]

Files are sorted by name first, so the same inputs and seed give the same
split on any machine."""

import os
import random
import shutil
import sys


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src, dev, hold = sys.argv[1:4]
    seed = int(sys.argv[4]) if len(sys.argv) == 5 else 5
    names = sorted(n for n in os.listdir(src) if n.endswith(".case"))
    random.Random(seed).shuffle(names)
    half = (len(names) + 1) // 2
    for folder, part in ((dev, names[:half]), (hold, names[half:])):
        os.makedirs(folder, exist_ok=True)
        for n in part:
            shutil.copy(os.path.join(src, n), os.path.join(folder, n))
    print("split %d cases (seed %d): %d dev, %d holdout" % (len(names), seed, half,
                                                             len(names) - half))
    return 0


if __name__ == "__main__":
    sys.exit(main())
