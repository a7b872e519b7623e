#!/usr/bin/python3
"""NIfTI reference fixtures from nibabel (the oracle for MedFM.Imaging.Nifti).

1. For real files under .testdata/ (see scripts/prepare-testdata.sh) writes, per file, what nibabel reads:
   shape, on-disk dtype, codes, affine (get_best_affine), sums and selected voxel values, the orientation code and
   nib.as_closest_canonical's affine/shape/selected values.
2. Writes small synthetic NIfTI files with nibabel covering what the real files do not (big-endian + scaling,
   qform-only with qfac -1, base affine, sheared sform precedence, every datatype, RGB24, NIfTI-2 big-endian,
   .hdr/.img pair, 2-D) with their full expected data.

Everything goes to tests/Fixtures/imaging/nifti/. Run from anywhere:
    /usr/bin/python3 tools/imaging/make_nifti_fixtures.py
"""
import hashlib
import json
import os

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".testdata")
OUT = os.path.join(ROOT, "tests", "Fixtures", "imaging", "nifti")

REAL = ["mricron/ch2.nii.gz", "mricron/aal.nii.gz",
        "itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz", "itk/KmeansTest_T1RawSkullStrip.nii.gz",
        "itk/KmeansTest_T1UCharRaw.nii.gz",
        "nibabel/example4d.nii.gz", "nibabel/example_nifti2.nii.gz", "nibabel/anatomical.nii",
        "nibabel/functional.nii", "nibabel/standard.nii.gz"]


def flat(arr):
    """Our Volume layout: i fastest (Fortran order), RGB components innermost."""
    if arr.dtype.names:  # rgb24 / rgba32 structured arrays
        arr = np.stack([arr[n] for n in arr.dtype.names], axis=0)
    return arr.ravel(order="F")


def md5_le(arr):
    """MD5 of the array's bytes, little-endian, in Fortran order (our layout)."""
    arr = np.asarray(arr)
    return hashlib.md5(np.ascontiguousarray(arr.T).astype(arr.dtype.newbyteorder("<")).tobytes()).hexdigest()


def data_of(img):
    return np.asanyarray(img.dataobj)


def pick(shape, rng, n=40):
    return [[int(rng.integers(0, s)) for s in shape] for _ in range(n)]


def describe(img, rng):
    hdr = img.header
    arr = data_of(img)
    idx = pick(arr.shape, rng)
    doc = {
        "shape": list(arr.shape),
        "disk_dtype": str(hdr.get_data_dtype()),
        "array_dtype": str(arr.dtype),
        "qform_code": int(hdr["qform_code"]), "sform_code": int(hdr["sform_code"]),
        "affine": img.affine.tolist(),
        "axcodes": "".join(nib.aff2axcodes(img.affine)),
        "sum": float(arr.astype(np.float64).sum()),
        "sum_sq": float((arr.astype(np.float64) ** 2).sum()),
        "min": float(arr.min()), "max": float(arr.max()),
        "md5_raw_le": md5_le(img.dataobj.get_unscaled()),
        "scaled": bool(img.dataobj.slope != 1 or img.dataobj.inter != 0),
        "samples": [{"index": i, "value": float(arr[tuple(i)])} for i in idx],
    }
    can = nib.as_closest_canonical(img)
    carr = data_of(can)
    cidx = pick(carr.shape, rng, 20)
    doc["canonical"] = {"shape": list(carr.shape), "affine": can.affine.tolist(),
                        "samples": [{"index": i, "value": float(carr[tuple(i)])} for i in cidx]}
    return doc


def real_files():
    rng = np.random.default_rng(20240601)
    out = {}
    for rel in REAL:
        img = nib.load(os.path.join(DATA, rel))
        out[rel] = describe(img, rng)
    with open(os.path.join(OUT, "real_files.json"), "w") as f:
        json.dump(out, f, indent=1)


def rot(ax, deg):
    t = np.deg2rad(deg)
    c, s = np.cos(t), np.sin(t)
    m = np.eye(3)
    i, j = [(1, 2), (0, 2), (0, 1)][ax]
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def affine(lin, trans):
    a = np.eye(4)
    a[:3, :3] = lin
    a[:3, 3] = trans
    return a


def synthetic():
    rng = np.random.default_rng(7)
    cases = {}

    def save(name, img, note):
        nib.save(img, os.path.join(OUT, name))
        save_loaded(name, note)

    def save_loaded(name, note):
        path = os.path.join(OUT, name)
        back = nib.load(path)
        arr = data_of(back)
        cases[name] = {"note": note, "shape": list(arr.shape), "disk_dtype": str(back.header.get_data_dtype()),
                       "array_dtype": str(arr.dtype), "affine": back.affine.tolist(),
                       "qform_code": int(back.header["qform_code"]), "sform_code": int(back.header["sform_code"]),
                       "values": [float(x) for x in flat(arr)]}
        if not arr.dtype.names:
            can = nib.as_closest_canonical(back)
            cases[name]["canonical"] = {"shape": list(can.shape), "affine": can.affine.tolist(),
                                        "values": [float(x) for x in flat(data_of(can))]}

    # Big-endian int16 with non-trivial scaling; qform only, oblique, with qfac -1 (negative determinant).
    # nibabel recomputes scaling when it saves an image, so the file is assembled from its header bytes.
    lin = rot(2, 25) @ rot(0, -10) @ np.diag([2.0, 3.0, -4.0])
    hdr = nib.Nifti1Header(endianness=">")
    data = rng.integers(-300, 300, size=(6, 5, 4)).astype(">i2")
    hdr.set_data_shape(data.shape)
    hdr.set_data_dtype(">i2")
    hdr.set_qform(affine(lin, [10, -20, 30]), code=1)
    hdr.set_sform(None, code=0)
    hdr.set_slope_inter(2.5, -10.0)
    hdr["vox_offset"] = 352
    with open(os.path.join(OUT, "be_scaled_qform.nii"), "wb") as f:
        f.write(hdr.binaryblock + b"\0\0\0\0" + data.tobytes(order="F"))
    save_loaded("be_scaled_qform.nii", "big-endian int16, scl 2.5/-10, qform only with qfac -1")

    # Both codes 0: nibabel's base affine (x flipped, centred), gzip.
    data = rng.uniform(-1, 1, size=(3, 4, 5)).astype(np.float32)
    img = nib.Nifti1Image(data, None)
    img.header.set_zooms((2.0, 3.0, 4.0))
    img.set_qform(None, code=0)
    img.set_sform(None, code=0)
    save("base_affine.nii.gz", img, "float32, qform_code 0 and sform_code 0: base affine")

    # Sheared sform and a different qform: sform wins.
    shear = np.array([[1.5, 0.3, 0.0], [0.0, 1.2, 0.2], [0.1, 0.0, 2.0]])
    data = rng.integers(0, 60000, size=(5, 4, 3)).astype(np.uint16)
    img = nib.Nifti1Image(data, None)
    img.set_qform(affine(np.diag([1.0, 1.0, 1.0]), [1, 2, 3]), code=1)
    img.set_sform(affine(shear, [-5, 6, 7]), code=2)
    save("sform_sheared.nii", img, "uint16, sheared sform (code 2) preferred over qform (code 1)")

    for dt, name in [(np.int8, "int8"), (np.uint32, "uint32"), (np.float64, "float64"), (np.int32, "int32"),
                     (np.uint8, "uint8")]:
        info = np.iinfo(dt) if np.issubdtype(dt, np.integer) else None
        if info is not None:
            data = rng.integers(max(info.min, -2**31), min(info.max, 2**31 - 1), size=(4, 3, 2), endpoint=True).astype(dt)
        else:
            data = rng.normal(size=(4, 3, 2)).astype(dt)
        img = nib.Nifti1Image(data, affine(rot(1, 30) @ np.diag([0.5, 0.7, 0.9]), [1, 1, 1]))
        img.header.set_data_dtype(dt)
        save(f"type_{name}.nii", img, f"{name} with a rotated sform and qform")

    rgb = np.zeros((4, 3, 2), dtype=[("R", "u1"), ("G", "u1"), ("B", "u1")])
    for ch in "RGB":
        rgb[ch] = rng.integers(0, 256, size=(4, 3, 2))
    img = nib.Nifti1Image(rgb, np.diag([1.0, 2.0, 3.0, 1.0]))
    save("rgb24.nii", img, "RGB24 interleaved per voxel")

    hdr = nib.Nifti2Header(endianness=">")
    data = rng.normal(size=(3, 4, 2, 3)).astype(">f4")
    img = nib.Nifti2Image(data, affine(rot(0, 90) @ np.diag([1.0, 1.5, 2.0]), [3, 2, 1]), header=hdr)
    save("nifti2_be_4d.nii", img, "NIfTI-2 big-endian float32 4-D")

    data = rng.integers(-1000, 1000, size=(4, 3, 2)).astype(np.int16)
    img = nib.Nifti1Pair(data, affine(np.diag([-1.0, 1.0, 2.0]), [0, 0, 0]))
    save("pair.hdr", img, ".hdr/.img pair, int16")

    data = rng.integers(0, 255, size=(5, 4)).astype(np.uint8)
    img = nib.Nifti1Image(data, np.diag([0.5, 0.25, 1.0, 1.0]))
    save("image2d.nii", img, "2-D uint8 (dim[0] = 2)")

    with open(os.path.join(OUT, "synthetic.json"), "w") as f:
        json.dump(cases, f, indent=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    real_files()
    synthetic()


if __name__ == "__main__":
    main()
