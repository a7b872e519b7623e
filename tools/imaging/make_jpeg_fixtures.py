#!/usr/bin/python3
"""JPEG reference fixtures (oracle: PIL on libjpeg-turbo, whose defaults are the islow IDCT and fancy upsampling).

1. Real JPEGs in .testdata/skimage: PIL's decoded pixels summarised by MD5 and samples.
2. Small JPEGs encoded by cjpeg (Debian libjpeg-turbo-progs) and PIL covering baseline, extended (16-bit
   quantisation tables, SOF1), progressive, optimised Huffman tables, restart intervals (per row and per MCU),
   4:4:4 / 4:2:2 / 4:2:0 / 4:4:0 / 4:1:1 sampling, grey, RGB (Adobe transform 0) and an arithmetic-coded file
   (which the decoder must refuse). The pixels PIL decodes are stored (base64) with each file.

Writes tests/Fixtures/imaging/jpeg/. Needs cjpeg: apt-get install libjpeg-turbo-progs.
Run: /usr/bin/python3 tools/imaging/make_jpeg_fixtures.py
"""
import base64
import hashlib
import json
import os
import subprocess
import tempfile

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".testdata", "skimage")
OUT = os.path.join(ROOT, "tests", "Fixtures", "imaging", "jpeg")


def pil_pixels(path):
    im = Image.open(path)
    im.load()
    return np.asarray(im), im.mode


def cjpeg(src_ppm, out, args):
    subprocess.run(["cjpeg", *args, "-outfile", out, src_ppm], check=True)


def synthetic():
    tmp = tempfile.mkdtemp()
    colour = Image.open(os.path.join(DATA, "chelsea.png")).convert("RGB").crop((180, 60, 217, 89))  # 37×29
    big = Image.open(os.path.join(DATA, "astronaut.png")).convert("RGB").resize((70, 53))
    ppm = os.path.join(tmp, "c.ppm"); colour.save(ppm)
    ppm_big = os.path.join(tmp, "b.ppm"); big.save(ppm_big)
    pgm = os.path.join(tmp, "g.pgm"); colour.convert("L").save(pgm)
    qt = os.path.join(tmp, "q.txt")
    with open(qt, "w") as f:  # values above 255 force 16-bit DQT tables (and an extended SOF1 frame)
        f.write(" ".join(str(300 + (i % 7)) for i in range(64)) + "\n")
    cases = {
        "base_444.jpg": (ppm, ["-sample", "1x1", "-quality", "90"]),
        "base_422.jpg": (ppm, ["-sample", "2x1", "-quality", "75"]),
        "base_420.jpg": (ppm, ["-sample", "2x2", "-quality", "75"]),
        "base_440.jpg": (ppm, ["-sample", "1x2", "-quality", "75"]),
        "base_411.jpg": (ppm, ["-sample", "4x1", "-quality", "80"]),
        "base_420_q100.jpg": (ppm, ["-sample", "2x2", "-quality", "100"]),
        "base_420_q20_big.jpg": (ppm_big, ["-sample", "2x2", "-quality", "20"]),
        "opt_420.jpg": (ppm, ["-sample", "2x2", "-optimize"]),
        "ext_16bit_qt.jpg": (ppm, ["-qtables", qt, "-sample", "2x2"]),
        "restart_rows_420.jpg": (ppm, ["-sample", "2x2", "-restart", "1"]),
        "restart_mcu_444.jpg": (ppm, ["-sample", "1x1", "-restart", "3B"]),
        "prog_420.jpg": (ppm, ["-sample", "2x2", "-progressive"]),
        "prog_444_big.jpg": (ppm_big, ["-sample", "1x1", "-progressive", "-quality", "92"]),
        "prog_422_restart.jpg": (ppm, ["-sample", "2x1", "-progressive", "-restart", "2B"]),
        "grey_base.jpg": (pgm, ["-quality", "85"]),
        "grey_prog.jpg": (pgm, ["-progressive"]),
        "grey_restart.jpg": (pgm, ["-restart", "1B"]),
        "rgb_adobe.jpg": (ppm, ["-rgb", "-quality", "90"]),
    }
    doc = {}
    for name, (src, args) in cases.items():
        out = os.path.join(OUT, name)
        cjpeg(src, out, args)
        arr, mode = pil_pixels(out)
        doc[name] = entry(arr, mode, " ".join(args))
    # PIL's own encoder settings.
    for name, kwargs in {"pil_base.jpg": {"quality": 85}, "pil_prog_422.jpg": {"progressive": True, "subsampling": 1},
                         "pil_444.jpg": {"subsampling": 0, "quality": 95}}.items():
        out = os.path.join(OUT, name)
        big.save(out, **kwargs)
        arr, mode = pil_pixels(out)
        doc[name] = entry(arr, mode, "PIL " + repr(kwargs))
    cjpeg(ppm, os.path.join(OUT, "arith.jpg"), ["-arithmetic"])
    with open(os.path.join(OUT, "synthetic.json"), "w") as f:
        json.dump(doc, f, indent=1)


def entry(arr, mode, how):
    h, w = arr.shape[:2]
    return {"how": how, "mode": mode, "width": w, "height": h, "channels": 1 if arr.ndim == 2 else arr.shape[2],
            "pixels_b64": base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode()}


def real():
    rng = np.random.default_rng(3)
    doc = {}
    for name in ("retina.jpg", "hubble_deep_field.jpg", "rocket.jpg"):
        arr, mode = pil_pixels(os.path.join(DATA, name))
        h, w = arr.shape[:2]
        samples = [{"x": int(x), "y": int(y), "value": [int(v) for v in np.atleast_1d(arr[y, x])]}
                   for x, y in zip(rng.integers(0, w, 32), rng.integers(0, h, 32))]
        doc["skimage/" + name] = {"mode": mode, "width": w, "height": h,
                                  "channels": 1 if arr.ndim == 2 else arr.shape[2],
                                  "md5": hashlib.md5(np.ascontiguousarray(arr).tobytes()).hexdigest(),
                                  "mean": float(arr.mean()), "samples": samples}
    with open(os.path.join(OUT, "real_files.json"), "w") as f:
        json.dump(doc, f, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    synthetic()
    real()


if __name__ == "__main__":
    main()
