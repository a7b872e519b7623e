#!/usr/bin/python3
"""Peer side of bench/MedFM.Bench.Dicom: a CT series folder to a float32 HU volume with pydicom + numpy, as a user
would write it: read every file, sort by ImagePositionPatient projected on the slice normal, stack, rescale.

    pydicom_peer.py FOLDER   then one command per stdin line, one JSON line answered per command:
        load    → {"seconds": t}                      (one timed load of the whole series)
        result  → {"pydicom": version, "numpy": version, "shape": [...], "sum": float,
                   "weighted": Σ (k+1)·sum(slice k), "origin": [...] of the first sorted slice}
A first line {"ready": true} is printed after a warm-up load (imports, page cache). The benchmark alternates its own
loads with this peer's, round by round, so both sides see the same machine load.
"""
import json
import os
import sys
import time

import numpy as np
import pydicom


def load(folder):
    slices = [pydicom.dcmread(os.path.join(folder, f)) for f in sorted(os.listdir(folder))]
    iop = np.array(slices[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    slices.sort(key=lambda s: float(np.dot(normal, np.array(s.ImagePositionPatient, dtype=float))))
    volume = np.stack([s.pixel_array for s in slices]).astype(np.float32)
    for k, s in enumerate(slices):
        volume[k] = volume[k] * np.float32(s.RescaleSlope) + np.float32(s.RescaleIntercept)
    return volume, slices


def main():
    folder = sys.argv[1]
    volume, slices = load(folder)  # warm-up
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "load":
            t = time.perf_counter()
            volume, slices = load(folder)
            print(json.dumps({"seconds": time.perf_counter() - t}), flush=True)
        elif command == "result":
            v64 = volume.astype(np.float64)
            print(json.dumps({"pydicom": pydicom.__version__, "numpy": np.__version__, "shape": list(volume.shape),
                              "sum": float(v64.sum()),
                              "weighted": float((v64.sum(axis=(1, 2)) * np.arange(1, len(volume) + 1)).sum()),
                              "origin": [float(x) for x in slices[0].ImagePositionPatient]}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)


if __name__ == "__main__":
    main()
