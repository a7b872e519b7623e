#!/usr/bin/python3
"""Reference values for Volume resampling and intensity helpers, computed with skimage/numpy.

Writes tests/Fixtures/imaging/volume/resample.json. Run from the repository root:
    /usr/bin/python3 tools/imaging/make_volume_fixtures.py
"""
import json
import os

import numpy as np
from skimage.transform import resize

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "Fixtures", "imaging", "volume")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(1234)
    # numpy axis order (k, j, i): i runs fastest, as in our Volume layout.
    src = rng.uniform(-100, 100, size=(4, 5, 7)).astype(np.float32)
    cases = []
    for shape in [(6, 3, 11), (2, 10, 7), (4, 5, 3), (1, 2, 2)]:
        # Half-pixel linear resize with edge replication: skimage uses scipy.ndimage.zoom(grid_mode=True).
        out = resize(src.astype(np.float64), shape, order=1, mode="edge", anti_aliasing=False, preserve_range=True)
        cases.append({"depth": shape[0], "height": shape[1], "width": shape[2],
                      "values": [float(x) for x in out.ravel()]})
    pct = {str(p): float(np.percentile(src, p)) for p in (0, 0.5, 12.5, 50, 99.5, 100)}
    doc = {"source": {"depth": 4, "height": 5, "width": 7, "values": [float(x) for x in src.ravel()]},
           "linear": cases, "percentiles": pct,
           "generator": "skimage.transform.resize(order=1, mode='edge', anti_aliasing=False); numpy.percentile"}
    with open(os.path.join(OUT, "resample.json"), "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
