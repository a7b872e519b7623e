#!/usr/bin/python3
"""Peer side of bench/MedFM.Bench.Dicom: a CT series folder to a float32 HU volume with pydicom + numpy, as a user
would write it (read every file, sort by ImagePositionPatient projected on the slice normal, stack, rescale), and a
NIfTI file loaded with nibabel.

    pydicom_peer.py FOLDER|none [NIFTI]   then one command per stdin line, one JSON line answered per command:
        load     → {"seconds": wall, "cpu": process CPU}      one load of the whole series
        nifti    → {"stored": [wall, cpu], "float32": [wall, cpu]}
                   np.asanyarray(nib.load(p).dataobj) (stored type) and nib.load(p).get_fdata(dtype=np.float32)
        result   → {"pydicom": version, "numpy": version, "nibabel": version, "shape": [...], "sum": float,
                    "weighted": Σ (k+1)·sum(slice k), "origin": [...] of the first sorted slice,
                    "nifti_sum": float, "nifti_shape": [...]}
A first line {"ready": true} is printed after two warm-up loads of each (imports, page cache, allocator). Timings are
taken with the cyclic garbage collector as Python runs by default; the previous volume is released before each timed
load, outside the timing, as the benchmark does on its side.
"""
import gc
import json
import os
import sys
import time

import numpy as np
import pydicom

try:
    import nibabel as nib
except ImportError:  # the series benchmark does not need it
    nib = None


def load(folder):
    slices = [pydicom.dcmread(os.path.join(folder, f)) for f in sorted(os.listdir(folder))]
    iop = np.array(slices[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    slices.sort(key=lambda s: float(np.dot(normal, np.array(s.ImagePositionPatient, dtype=float))))
    volume = np.stack([s.pixel_array for s in slices]).astype(np.float32)
    for k, s in enumerate(slices):
        volume[k] = volume[k] * np.float32(s.RescaleSlope) + np.float32(s.RescaleIntercept)
    return volume, slices


def timed(fn):
    gc.collect()
    c, t = time.process_time(), time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t, time.process_time() - c


def main():
    folder = sys.argv[1]
    nifti = sys.argv[2] if len(sys.argv) > 2 else None
    volume = slices = None
    if folder != "none":  # "none": NIfTI only
        volume, slices = load(folder)  # warm-up
        volume = slices = None
        volume, slices = load(folder)
    nvol = None
    if nifti:
        for _ in range(2):
            np.asanyarray(nib.load(nifti).dataobj)
            nvol = nib.load(nifti).get_fdata(dtype=np.float32)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "load":
            volume = slices = None
            (volume, slices), wall, cpu = timed(lambda: load(folder))
            print(json.dumps({"seconds": wall, "cpu": cpu}), flush=True)
        elif command == "nifti":
            nvol = None
            _, w1, c1 = timed(lambda: np.asanyarray(nib.load(nifti).dataobj))
            nvol, w2, c2 = timed(lambda: nib.load(nifti).get_fdata(dtype=np.float32))
            print(json.dumps({"stored": [w1, c1], "float32": [w2, c2]}), flush=True)
        elif command == "result":
            v64 = volume.astype(np.float64) if volume is not None else np.zeros((1, 1, 1))
            print(json.dumps({"pydicom": pydicom.__version__, "numpy": np.__version__,
                              "nibabel": nib.__version__ if nib else None, "shape": list(v64.shape),
                              "sum": float(v64.sum()),
                              "weighted": float((v64.sum(axis=(1, 2)) * np.arange(1, len(v64) + 1)).sum()),
                              "origin": [float(x) for x in slices[0].ImagePositionPatient] if slices else None,
                              "nifti_sum": float(nvol.astype(np.float64).sum()) if nvol is not None else None,
                              "nifti_shape": list(nvol.shape) if nvol is not None else None}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)


if __name__ == "__main__":
    main()
