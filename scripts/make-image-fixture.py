#!/usr/bin/env python3
"""Writes tests/fixtures/mnist-mini/: the first 1,000 MNIST training and 500 test images with
their labels, in MNIST's own idx/gzip format, so the auto-encoder tests run where ../shared is
absent (CI). MNIST: Yann LeCun and Corinna Cortes, CC BY-SA 3.0 (../shared/data/images/mnist/).

    python3 scripts/make-image-fixture.py [--shared ../shared]
"""
import argparse
import gzip
import os
import struct

ap = argparse.ArgumentParser()
ap.add_argument("--shared", default="../shared")
a = ap.parse_args()
src = os.path.join(a.shared, "data/images/mnist")
out = "tests/fixtures/mnist-mini"
os.makedirs(out, exist_ok=True)
for split, n in [("train", 1000), ("t10k", 500)]:
    images = gzip.open(os.path.join(src, f"{split}-images.idx3-ubyte.gz")).read()
    labels = gzip.open(os.path.join(src, f"{split}-labels.idx1-ubyte.gz")).read()
    _, _, rows, cols = struct.unpack(">IIII", images[:16])
    img = struct.pack(">IIII", 0x0803, n, rows, cols) + images[16:16 + n * rows * cols]
    lab = struct.pack(">II", 0x0801, n) + labels[8:8 + n]
    # mtime=0: the same bytes every time.
    with open(os.path.join(out, f"{split}-images.idx3-ubyte.gz"), "wb") as f:
        f.write(gzip.compress(img, 9, mtime=0))
    with open(os.path.join(out, f"{split}-labels.idx1-ubyte.gz"), "wb") as f:
        f.write(gzip.compress(lab, 9, mtime=0))
with open(os.path.join(out, "README.md"), "w") as f:
    f.write("First 1,000 training and 500 test images of MNIST (Yann LeCun and Corinna Cortes, CC BY-SA 3.0),\n"
            "in the original idx/gzip format; written by scripts/make-image-fixture.py for the auto-encoder tests.\n")
