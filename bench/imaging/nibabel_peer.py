#!/usr/bin/python3
"""Peer side of bench/MedFM.Bench.Imaging: nibabel loading times, and a check that nibabel reads our output.

    nibabel_peer.py time PATH REPEATS     → JSON {"fdata_s": [...], "int_s": [...]}
    nibabel_peer.py check OURS ORIGINAL   → JSON comparing affine and voxels of our file with the original

Each timed load opens the file afresh (no cached image): nib.load(p).get_fdata() (float64, nibabel's documented way)
and np.asanyarray(nib.load(p).dataobj) (the stored integer type, as our reader returns it).
"""
import json
import sys
import time

import nibabel as nib
import numpy as np


def timed(fn, repeats):
    fn()  # warm-up: imports and first-use costs
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main():
    mode = sys.argv[1]
    if mode == "time":
        path, repeats = sys.argv[2], int(sys.argv[3])
        fdata = timed(lambda: nib.load(path).get_fdata(), repeats)
        raw = timed(lambda: np.asanyarray(nib.load(path).dataobj), repeats)
        print(json.dumps({"fdata_s": fdata, "int_s": raw, "nibabel": nib.__version__}))
    elif mode == "check":
        ours, orig = nib.load(sys.argv[2]), nib.load(sys.argv[3])
        a, b = np.asanyarray(ours.dataobj), np.asanyarray(orig.dataobj)
        print(json.dumps({"shape_equal": a.shape == b.shape, "dtype": str(a.dtype),
                          "voxels_equal": bool(a.shape == b.shape and np.array_equal(a, b)),
                          "affine_max_abs_diff": float(np.abs(ours.affine - orig.affine).max()),
                          "qform_sform_max_abs_diff": float(np.abs(ours.get_qform() - ours.get_sform()).max())}))


if __name__ == "__main__":
    main()
