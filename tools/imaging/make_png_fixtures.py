#!/usr/bin/python3
"""PNG reference fixtures (oracle: PIL, plus a second encoder written here).

1. Real PNGs under .testdata/itk and .testdata/skimage: PIL's decode (palette expanded to RGB, or RGBA with
   transparency; mode "1" as 0/255) summarised as shape, MD5 of the pixel bytes and sampled pixels.
2. Small synthetic PNGs covering every colour type and bit depth, with and without Adam7 interlacing, every
   filter type (cycled per row) and IDAT split across chunks, encoded by the plain encoder below; each is decoded
   by PIL and checked against the source pixels here, then the source pixels (our decoding rules) are stored.
   A few PIL-encoded files are added as well.

Writes tests/Fixtures/imaging/png/. Run: /usr/bin/python3 tools/imaging/make_png_fixtures.py
"""
import glob
import hashlib
import json
import os
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".testdata")
OUT = os.path.join(ROOT, "tests", "Fixtures", "imaging", "png")
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pil_pixels(im):
    """PIL decode under our rules: palette → RGB/RGBA, '1' → 0/255, 16-bit grey → uint16."""
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "1":
        im = im.convert("L")
    arr = np.asarray(im)
    if im.mode in ("I", "I;16", "I;16B"):
        arr = arr.astype(np.uint16)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return arr


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(ftype, row, prior, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]
        out[i] = (row[i] - pred) & 0xFF
    return bytes(out)


def pack_row(samples, depth):
    """samples: 1-D int array of one row's samples → bytes (MSB first for depth < 8, big-endian for 16)."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    out, acc, nbits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | int(s)
        nbits += depth
        if nbits == 8:
            out.append(acc)
            acc, nbits = 0, 0
    if nbits:
        out.append(acc << (8 - nbits))
    return bytes(out)


def encode(stored, ctype, depth, interlace, palette=None, trns=None, idat_pieces=3):
    """stored: (H, W, C) ints as stored in the file (palette indices for colour type 3)."""
    h, w, ch = stored.shape
    bpp = max(1, ch * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    row_no = 0
    for x0, y0, dx, dy in passes:
        sub = stored[y0::dy, x0::dx, :]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prior = bytes(len(pack_row(sub[0].ravel(), depth)))
        for r in range(sub.shape[0]):
            row = pack_row(sub[r].ravel(), depth)
            ftype = row_no % 5
            row_no += 1
            raw += bytes([ftype]) + filter_row(ftype, row, prior, bpp)
            prior = row
    comp = zlib.compress(bytes(raw), 9)
    cuts = np.linspace(0, len(comp), idat_pieces + 1).astype(int)
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 1 if interlace else 0))
    if palette is not None:
        body += chunk(b"PLTE", bytes(palette.ravel().tolist()))
    if trns is not None:
        body += chunk(b"tRNS", trns)
    body += chunk(b"tEXt", b"Comment\0MedFM fixture")
    for a, b in zip(cuts[:-1], cuts[1:]):
        body += chunk(b"IDAT", comp[a:b])
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def flat(arr):
    return [int(x) for x in arr.ravel()]


def synthetic():
    rng = np.random.default_rng(99)
    cases = {}
    combos = [(0, d) for d in (1, 2, 4, 8, 16)] + [(2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
                                                    (4, 8), (4, 16), (6, 8), (6, 16)]
    for ctype, depth in combos:
        for interlace in (False, True):
            h, w = (9, 13) if not interlace else (11, 10)
            ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
            top = (1 << depth) - 1
            stored = rng.integers(0, top + 1, size=(h, w, ch))
            palette = trns = None
            if ctype == 3:
                n = min(top + 1, 200)
                stored = rng.integers(0, n, size=(h, w, 1))
                palette = rng.integers(0, 256, size=(n, 3))
                if depth == 8:
                    trns = bytes(rng.integers(0, 256, size=n // 2).tolist())  # shorter than the palette
            data = encode(stored, ctype, depth, interlace, palette, trns)
            name = f"ct{ctype}_d{depth}{'_i' if interlace else ''}.png"
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(data)
            if ctype == 3:
                lut = np.concatenate([palette, np.full((len(palette), 1), 255)], axis=1)
                if trns is not None:
                    lut[:len(trns), 3] = list(trns)
                expected = lut[stored[:, :, 0]][:, :, : 4 if trns is not None else 3]
            elif ctype == 0 and depth < 8:
                expected = stored * (255 // top)
            else:
                expected = stored
            pil = pil_pixels(Image.open(os.path.join(OUT, name)))
            check = expected if depth != 16 or ctype == 0 else expected >> 8  # PIL keeps 8 bits of 16-bit colour
            if ctype == 4 and pil.shape[2] == 4:
                pil = pil[:, :, [0, 3]]  # PIL opens 16-bit grey+alpha as RGBA
            assert np.array_equal(pil.astype(np.int64), check.astype(np.int64)), name
            cases[name] = {"width": w, "height": h, "channels": int(expected.shape[2]), "depth": depth,
                           "values": flat(expected)}
            if ctype == 3:
                cases[name]["indices"] = flat(stored)
    # PIL-encoded files (a different encoder and zlib settings).
    for mode, shape in [("L", (7, 5)), ("RGB", (6, 9, 3)), ("RGBA", (4, 3, 4)), ("LA", (5, 5, 2)), ("I;16", (5, 6))]:
        arr = rng.integers(0, 65536 if mode == "I;16" else 256, size=shape)
        arr = arr.astype(np.uint16 if mode == "I;16" else np.uint8)
        im = Image.fromarray(arr, mode=mode) if mode != "I;16" else Image.fromarray(arr)
        name = f"pil_{mode.replace(';', '')}.png"
        im.save(os.path.join(OUT, name))
        pil = pil_pixels(Image.open(os.path.join(OUT, name)))
        assert np.array_equal(pil.reshape(arr.shape), arr), name
        cases[name] = {"width": shape[1], "height": shape[0], "channels": int(pil.shape[2]),
                       "depth": 16 if mode == "I;16" else 8, "values": flat(pil)}
    with open(os.path.join(OUT, "synthetic.json"), "w") as f:
        json.dump(cases, f)


def real():
    rng = np.random.default_rng(5)
    out = {}
    files = sorted(glob.glob(os.path.join(DATA, "itk", "*.png")) + glob.glob(os.path.join(DATA, "skimage", "*.png")))
    for path in files:
        im = Image.open(path)
        arr = pil_pixels(im)
        h, w, c = arr.shape
        samples = []
        for _ in range(16):
            y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
            samples.append({"x": x, "y": y, "value": [int(v) for v in arr[y, x]]})
        rel = os.path.relpath(path, DATA)
        with open(path, "rb") as f:
            depth = f.read(25)[24]
        out[rel] = {"mode": im.mode, "bit_depth": int(depth),
                    # PIL decodes 16-bit colour images to 8 bits (the high byte of each sample).
                    "pil_high_byte_only": bool(depth == 16 and im.mode not in ("I", "I;16", "I;16B")), "width": w, "height": h, "channels": c, "dtype": str(arr.dtype),
                    "md5": hashlib.md5(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()).hexdigest(),
                    "samples": samples}
    with open(os.path.join(OUT, "real_files.json"), "w") as f:
        json.dump(out, f, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    synthetic()
    real()


if __name__ == "__main__":
    main()
