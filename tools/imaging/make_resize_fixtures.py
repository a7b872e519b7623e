#!/usr/bin/python3
"""Reference fixtures for MedFM.Imaging.Transforms (resizing as the Python preprocessing of foundation models does it).

Oracles, all as installed by Debian (run with /usr/bin/python3):
  * PIL 9.4 Image.resize                    -> pil.json
  * torchvision 0.14 transforms on PIL      -> torchvision.json (timm create_transform, RETFound, UNI pipelines)
  * segment_anything ResizeLongestSide      -> sam.json
  * skimage 0.19.3 transform.resize (+scipy) -> skimage.json + skimage_*.bin (float64 samples)

The real images come from .testdata/ (scripts/prepare-testdata.sh). Our tests decode them with MedFM's own readers;
each case records the MD5 of the decoded input so a decoder difference is reported as such. Large outputs are
summarised: uint8/float32 results by the MD5 of their bytes (the tests require bit equality) plus a few samples;
float64 skimage results by per-row and per-column sums and sampled values.

Optional environment: TIMM_PATH (a checkout of huggingface/pytorch-image-models, for timm's create_transform),
SAM_PATH (a checkout of facebookresearch/segment-anything, for ResizeLongestSide). Without them the pipelines are
rebuilt here from the same torchvision calls the reference code makes.

Run from anywhere:  /usr/bin/python3 tools/imaging/make_resize_fixtures.py
"""
import hashlib
import json
import os
import sys

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".testdata")
OUT = os.path.join(ROOT, "tests", "Fixtures", "imaging", "resize")

FILTERS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
           "lanczos": Image.LANCZOS, "box": Image.BOX, "hamming": Image.HAMMING}


def md5(a):
    return hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()


def load_source(spec):
    """The pixel array our tests obtain from the same file: (H, W) or (H, W, 3) uint8, or (H, W) float32."""
    path = os.path.join(DATA, spec["file"])
    if spec["file"].endswith(".nii.gz"):
        import nibabel as nib
        vol = np.asanyarray(nib.load(path).dataobj)
        # nibabel (i, j, k); our Volume rows are j, columns i.
        sl = np.ascontiguousarray(vol[:, :, spec["slice"]].T)
        if spec.get("as") == "float32_div3":
            return (sl.astype(np.float32) / np.float32(3)).astype(np.float32)
        return sl.astype(np.uint8)
    im = Image.open(path)
    assert im.mode in ("L", "RGB"), (path, im.mode)
    return np.asarray(im)


def pil_image(a):
    if a.dtype == np.float32:
        return Image.fromarray(a, mode="F")
    return Image.fromarray(a)


def samples(a, n=6, seed=0):
    rng = np.random.default_rng(seed)
    h, w = a.shape[:2]
    out = []
    for _ in range(n):
        y, x = int(rng.integers(h)), int(rng.integers(w))
        v = a[y, x]
        out.append({"x": x, "y": y, "value": [float(t) for t in np.atleast_1d(v)]})
    return out


PIL_SOURCES = {
    "camera": {"file": "skimage/camera.png"},
    "sagittal": {"file": "itk/BrainMidSagittalSlice.png"},
    "retina": {"file": "skimage/retina.jpg"},
    "t1rgb": {"file": "itk/BrainT1Slice.png"},
    "ch2f": {"file": "mricron/ch2.nii.gz", "slice": 90, "as": "float32_div3"},
}

PIL_SIZES = {
    "camera": [(97, 61), (1001, 777), (301, 640)],
    "sagittal": [(31, 29), (433, 361), (400, 99)],
    "retina": [(224, 224), (701, 513), (1603, 1413)],
    "t1rgb": [(45, 71), (363, 433), (250, 150)],
    "ch2f": [(37, 53), (362, 435), (300, 100)],
}

PIL_BOXES = [
    ("camera", (117, 205), (10.5, 20.25, 400.75, 333.5)),
    ("camera", (64, 64), (0, 0, 256, 256)),
    ("camera", (200, 100), (12, 30, 212, 130)),  # integral box of the output size: PIL crops
    ("retina", (300, 200), (100.5, 200, 1100.5, 1000)),
    ("t1rgb", (90, 100), (0, 0, 181, 217.5 - 0.5)),
    ("sagittal", (217, 90), (0, 0, 217, 180)),    # width kept: only the vertical pass runs
    ("sagittal", (100, 180), (0, 0, 217, 180)),   # height kept: only the horizontal pass runs
    ("ch2f", (70, 40), (3.25, 4.5, 170.0, 200.75)),
]


def make_pil():
    sources, cases = {}, []
    arrays = {}
    for name, spec in PIL_SOURCES.items():
        a = load_source(spec)
        arrays[name] = a
        sources[name] = dict(spec, md5=md5(a), shape=list(a.shape), dtype=str(a.dtype))

    def add(src, size, fname, box=None):
        im = pil_image(arrays[src])
        out = im.resize(size, FILTERS[fname], box=box)
        o = np.asarray(out)
        cases.append({"source": src, "width": size[0], "height": size[1], "filter": fname,
                      "box": list(box) if box else None, "mode": im.mode,
                      "md5": md5(o), "samples": samples(o, seed=len(cases))})

    for src, sizes in PIL_SIZES.items():
        for size in sizes:
            for fname in FILTERS:
                add(src, size, fname)
    for src, size, box in PIL_BOXES:
        for fname in ("nearest", "bilinear", "bicubic", "lanczos"):
            add(src, size, fname, box)
    return {"generator": "PIL %s Image.resize" % Image.__version__, "sources": sources, "cases": cases}


def tensor_entry(t, seed):
    a = t.numpy().astype(np.float32)
    rng = np.random.default_rng(seed)
    picks = []
    for _ in range(8):
        c, y, x = (int(rng.integers(n)) for n in a.shape)
        picks.append({"c": c, "y": y, "x": x, "value": float(a[c, y, x])})
    return {"shape": list(a.shape), "md5": md5(a), "samples": picks}


def optional_path(var):
    path = os.environ.get(var)
    if path:
        sys.path.insert(0, path)
    return path


def make_torchvision():
    import torch
    import torchvision
    from torchvision import transforms as T
    from torchvision.transforms import InterpolationMode as IM

    imagenet = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    pipelines = {}
    if optional_path("TIMM_PATH"):
        import timm
        from timm.data import resolve_data_config, create_transform
        cfg = resolve_data_config({}, model=timm.create_model("vit_base_patch16_224", pretrained=False))
        pipelines["timm_vit_base_patch16_224"] = (create_transform(**cfg), "timm %s resolve_data_config + create_transform: %s" % (timm.__version__, cfg))
    else:
        pipelines["timm_vit_base_patch16_224"] = (T.Compose([T.Resize(248, IM.BICUBIC), T.CenterCrop(224), T.ToTensor(),
                                                             T.Normalize((0.5,) * 3, (0.5,) * 3)]), "rebuilt timm eval (crop_pct 0.9)")
    if optional_path("RETFOUND_PATH") and "timm" in sys.modules:
        from types import SimpleNamespace
        from util.datasets import build_transform
        pipelines["retfound_eval"] = (build_transform("test", SimpleNamespace(input_size=224)), "RETFound_MAE util/datasets.py build_transform (eval, input_size 224)")
    else:
        pipelines["retfound_eval"] = (T.Compose([T.Resize(256, interpolation=IM.BICUBIC), T.CenterCrop(224), T.ToTensor(),
                                                 T.Normalize(*imagenet)]), "rebuilt RETFound eval transform")
    # UNI (MahmoodLab/UNI README): transforms.Resize(224), ToTensor, Normalize(ImageNet mean/std).
    pipelines["uni"] = (T.Compose([T.Resize(224), T.ToTensor(), T.Normalize(*imagenet)]), "UNI README transform")

    images = {name: load_source(PIL_SOURCES[name]) for name in ("retina", "t1rgb")}
    images["chelsea"] = load_source({"file": "skimage/chelsea.png"})
    sources = {n: {"file": {"retina": "skimage/retina.jpg", "t1rgb": "itk/BrainT1Slice.png", "chelsea": "skimage/chelsea.png"}[n],
                   "md5": md5(a)} for n, a in images.items()}
    cases = []
    for pname, (pipe, desc) in pipelines.items():
        for iname, a in images.items():
            out = pipe(Image.fromarray(a))
            cases.append(dict(tensor_entry(out, len(cases)), pipeline=pname, source=iname, description=desc, repr=repr(pipe)))

    # Single transforms: shorter-side sizes, centre crops (with padding), to_tensor of a grey image.
    F = torchvision.transforms.functional
    sizes = []
    for h, w, size, max_size in [(1411, 1411, 248, None), (217, 181, 256, None), (300, 451, 224, None), (181, 217, 224, None),
                                 (333, 1000, 224, None), (1000, 333, 224, 500), (7, 1000, 3, 50), (999, 1000, 997, None)]:
        nh, nw = F._compute_resized_output_size((h, w), [size], max_size)
        sizes.append({"height": h, "width": w, "size": size, "max_size": max_size, "new_height": nh, "new_width": nw})
    crops = []
    cam = load_source({"file": "skimage/camera.png"})
    t1 = images["t1rgb"]
    for src, a, (ch, cw) in [("t1rgb", t1, (100, 100)), ("t1rgb", t1, (101, 100)), ("t1rgb", t1, (216, 180)),
                             ("t1rgb", t1, (250, 190)), ("camera", cam, (511, 3)), ("camera", cam, (600, 513))]:
        out = np.asarray(F.center_crop(Image.fromarray(a), [ch, cw]))
        crops.append({"source": src, "height": ch, "width": cw, "md5": md5(out), "out_shape": list(out.shape)})
    grey = F.to_tensor(Image.fromarray(cam))
    return {"generator": "torchvision %s, torch %s, PIL %s" % (torchvision.__version__, torch.__version__, Image.__version__),
            "sources": dict(sources, camera={"file": "skimage/camera.png", "md5": md5(cam)}),
            "pipelines": cases, "sizes": sizes, "crops": crops, "to_tensor_camera": tensor_entry(grey, 99)}


def make_sam():
    import torch
    if optional_path("SAM_PATH"):
        from segment_anything.utils.transforms import ResizeLongestSide
        origin = "segment_anything.utils.transforms.ResizeLongestSide"
    else:
        from torchvision.transforms.functional import resize, to_pil_image

        class ResizeLongestSide:  # the reference class, rebuilt from its source
            def __init__(self, target_length):
                self.target_length = target_length

            def apply_image(self, image):
                target_size = self.get_preprocess_shape(image.shape[0], image.shape[1], self.target_length)
                return np.array(resize(to_pil_image(image), target_size))

            def apply_coords(self, coords, original_size):
                old_h, old_w = original_size
                new_h, new_w = self.get_preprocess_shape(original_size[0], original_size[1], self.target_length)
                coords = coords.copy().astype(float)
                coords[..., 0] = coords[..., 0] * (new_w / old_w)
                coords[..., 1] = coords[..., 1] * (new_h / old_h)
                return coords

            def apply_boxes(self, boxes, original_size):
                return self.apply_coords(boxes.reshape(-1, 2, 2), original_size).reshape(-1, 4)

            def apply_coords_torch(self, coords, original_size):
                old_h, old_w = original_size
                new_h, new_w = self.get_preprocess_shape(original_size[0], original_size[1], self.target_length)
                coords = coords.clone().to(torch.float)
                coords[..., 0] = coords[..., 0] * (new_w / old_w)
                coords[..., 1] = coords[..., 1] * (new_h / old_h)
                return coords

            @staticmethod
            def get_preprocess_shape(oldh, oldw, long_side_length):
                scale = long_side_length * 1.0 / max(oldh, oldw)
                newh, neww = oldh * scale, oldw * scale
                return (int(newh + 0.5), int(neww + 0.5))
        origin = "rebuilt ResizeLongestSide"
    t = ResizeLongestSide(1024)
    shapes = []
    for h, w in [(1411, 1411), (217, 181), (181, 217), (300, 451), (512, 512), (3, 2000), (2000, 3), (767, 1023), (1025, 683)]:
        nh, nw = t.get_preprocess_shape(h, w, 1024)
        shapes.append({"height": h, "width": w, "new_height": nh, "new_width": nw})
    images = []
    for name, spec in [("retina", {"file": "skimage/retina.jpg"}), ("t1rgb", {"file": "itk/BrainT1Slice.png"}),
                       ("camera", {"file": "skimage/camera.png"}), ("chelsea", {"file": "skimage/chelsea.png"})]:
        a = load_source(spec)
        out = t.apply_image(a)
        images.append({"source": name, "file": spec["file"], "input_md5": md5(a), "md5": md5(out), "out_shape": list(out.shape)})
    rng = np.random.default_rng(7)
    coords = (rng.random((5, 2)) * [451, 300]).round(3)
    boxes = (rng.random((3, 4)) * [451, 300, 451, 300]).round(2)
    coord_cases = []
    for size in [(300, 451), (1411, 1411), (217, 181)]:
        coord_cases.append({"original": list(size), "coords": coords.ravel().tolist(),
                            "applied": t.apply_coords(coords, size).ravel().tolist(),
                            "boxes": boxes.ravel().tolist(), "boxes_applied": t.apply_boxes(boxes, size).ravel().tolist(),
                            "coords_torch": [float(v) for v in t.apply_coords_torch(torch.tensor(coords, dtype=torch.float32), size).numpy().ravel()],
                            "coords_f32": [float(v) for v in coords.astype(np.float32).ravel()]})
    return {"generator": origin, "shapes": shapes, "images": images, "coords": coord_cases}


class BinWriter:
    """float64 arrays appended to one little-endian file; the JSON keeps [offset, count] in values."""

    def __init__(self):
        self.parts, self.count = [], 0

    def add(self, a):
        a = np.ascontiguousarray(a, dtype="<f8").ravel()
        ref = [self.count, int(a.size)]
        self.parts.append(a)
        self.count += a.size
        return ref

    def save(self, path):
        np.concatenate(self.parts).astype("<f8").tofile(path)


def near_nonzero_integers(a, tol=1e-7):
    r = np.round(a)
    return np.flatnonzero((np.abs(a - r) <= tol) & (r != 0))


def float_summary(out, binw, seed, samples=512, full_limit=256):
    """Per-row and per-(column, channel) sums, sampled values, and the full array when tiny."""
    o = out.astype(np.float64)
    h, w = o.shape[:2]
    o3 = o.reshape(h, w, -1)
    entry = {"shape": list(out.shape), "dtype": str(out.dtype),
             "row_sums": binw.add(o3.sum(axis=(1, 2))), "col_sums": binw.add(o3.sum(axis=0).ravel())}
    if o.size <= full_limit:
        entry["full"] = binw.add(o)
    else:
        idx = np.sort(np.random.default_rng(seed).choice(o.size, samples, replace=False))
        entry["sample_index"] = binw.add(idx.astype(np.float64))
        entry["sample_value"] = binw.add(o.ravel()[idx])
    return entry


def medsam_reference(img_np):
    """MedSAM_Inference.py, the lines from io.imread to the tensor (bowang-lab/MedSAM)."""
    from skimage import transform
    if len(img_np.shape) == 2:
        img_3c = np.repeat(img_np[:, :, None], 3, axis=-1)
    else:
        img_3c = img_np
    resized = transform.resize(img_3c, (1024, 1024), order=3, preserve_range=True, anti_aliasing=True)
    img_1024 = resized.astype(np.uint8)
    img_1024 = (img_1024 - img_1024.min()) / np.clip(img_1024.max() - img_1024.min(), a_min=1e-8, a_max=None)
    import torch
    tensor = torch.tensor(img_1024).float().permute(2, 0, 1).unsqueeze(0)
    return resized, resized.astype(np.uint8), img_1024, tensor.numpy()


SKIMAGE_SOURCES = {
    "fatmri": {"file": "itk/FatMRISlice.png"},            # 256 x 256 (palette PNG, decoded to RGB)
    "ch2": {"file": "mricron/ch2.nii.gz", "slice": 90},   # 217 x 181 grey
    "camera": {"file": "skimage/camera.png"},             # 512 x 512 grey
    "t1rgb": {"file": "itk/BrainT1Slice.png"},            # 217 x 181 RGB
    "retina": {"file": "skimage/retina.jpg"},             # 1411 x 1411 RGB (downscaled)
}


def load_skimage_source(spec):
    if spec["file"].endswith(".png") and "Fat" in spec["file"]:
        im = Image.open(os.path.join(DATA, spec["file"]))
        return np.asarray(im.convert("RGB"))  # our PNG reader expands palettes to RGB the same way
    return load_source(spec)


def make_skimage():
    import skimage
    from skimage.transform import resize
    binw = BinWriter()
    arrays = {n: load_skimage_source(s) for n, s in SKIMAGE_SOURCES.items()}
    sources = {n: dict(s, md5=md5(arrays[n]), shape=list(arrays[n].shape)) for n, s in SKIMAGE_SOURCES.items()}
    medsam = []
    for name in ["fatmri", "ch2", "camera", "t1rgb", "retina"]:
        resized, u8, scaled, tensor = medsam_reference(arrays[name])
        medsam.append({"source": name, "resized": float_summary(resized, binw, len(medsam)),
                       "uint8_md5": md5(u8), "near_nonzero_integers_1e7": int(near_nonzero_integers(resized).size),
                       "scaled_dtype": str(scaled.dtype), "tensor_md5": md5(tensor.astype(np.float32)),
                       "tensor_shape": list(tensor.shape)})
    # Smaller variations: orders, modes, up/down, grey/RGB, float32 input, clip and range options.
    crop = {"ch2": arrays["ch2"], "t1rgb": arrays["t1rgb"][40:120, 30:130],
            "camera_small": arrays["camera"][100:160, 200:245],
            "ch2f32": (arrays["ch2"].astype(np.float32) / np.float32(3)), "ch2_u16": arrays["ch2"].astype(np.uint16) * 257}
    variants = []
    base = dict(order=None, mode="reflect", cval=0.0, clip=True, preserve_range=False, anti_aliasing=None, anti_aliasing_sigma=None)
    plan = []
    for order in (0, 1, 3):
        for mode in ("reflect", "constant", "edge", "symmetric", "wrap"):
            plan.append(("ch2", (61, 47), dict(order=order, mode=mode)))
            plan.append(("t1rgb", (67, 109), dict(order=order, mode=mode, preserve_range=True)))
            plan.append(("camera_small", (97, 33), dict(order=order, mode=mode, preserve_range=True)))
    for order in (2, 4, 5):
        plan.append(("ch2", (90, 200), dict(order=order, mode="reflect", preserve_range=True)))
        plan.append(("t1rgb", (33, 45), dict(order=order, mode="edge")))
    plan += [
        ("ch2", (70, 90), dict(order=3, mode="constant", cval=300.0, preserve_range=True)),   # cval outside the range
        ("ch2", (70, 90), dict(order=3, mode="constant", cval=-20.0, preserve_range=True, anti_aliasing=False)),
        ("ch2", (400, 300), dict(order=1, clip=False, preserve_range=True)),
        ("ch2", (50, 50), dict(order=3, anti_aliasing=True, anti_aliasing_sigma=2.0, preserve_range=True)),
        ("t1rgb", (40, 60), dict(order=3, anti_aliasing_sigma=[1.5, 0.5, 0.7], preserve_range=True)),
        ("ch2f32", (61, 47), dict(order=3, preserve_range=True)),
        ("ch2f32", (300, 333), dict(order=1, mode="constant")),
        ("ch2_u16", (61, 47), dict(order=3)),
        ("ch2", (61, 47), dict(order=0, anti_aliasing=True)),
        ("t1rgb", (20, 27), dict(order=0, anti_aliasing=True, mode="edge")),
        ("camera_small", (150, 150), dict(order=3, mode="symmetric", anti_aliasing=True)),
    ]
    for src, shape, kw in plan:
        args = dict(base, **kw)
        out = resize(crop[src], shape, **args)
        variants.append({"source": src, "output_shape": list(shape), "kwargs": args,
                         "result": float_summary(out, binw, len(variants) + 100, samples=64)})
    # Crop sources are described for the tests: [rows, cols] ranges of a full source and a conversion.
    crops = {"ch2": {"of": "ch2"}, "t1rgb": {"of": "t1rgb", "rows": [40, 120], "cols": [30, 130]},
             "camera_small": {"of": "camera", "rows": [100, 160], "cols": [200, 245]},
             "ch2f32": {"of": "ch2", "as": "float32_div3"}, "ch2_u16": {"of": "ch2", "as": "uint16_x257"}}
    gauss = {}
    for sigma in (0.189, 0.5, 1.0, 1.5, 3.7):
        from scipy.ndimage import _filters
        lw = int(4.0 * sigma + 0.5)
        gauss[str(sigma)] = binw.add(_filters._gaussian_kernel1d(sigma, 0, lw)[::-1])
    binw.save(os.path.join(OUT, "skimage.bin"))
    return {"generator": "skimage %s transform.resize, scipy %s, numpy %s" % (skimage.__version__, __import__("scipy").__version__, np.__version__),
            "sources": sources, "medsam": medsam, "crops": crops, "variants": variants, "gaussian_kernels": gauss}


def main():
    os.makedirs(OUT, exist_ok=True)
    sections = sys.argv[1:] or ["pil", "torchvision", "sam", "skimage"]
    for name, make in [("pil", make_pil), ("torchvision", make_torchvision), ("sam", make_sam), ("skimage", make_skimage)]:
        if name in sections:
            doc = make()
            with open(os.path.join(OUT, name + ".json"), "w") as f:
                json.dump(doc, f, indent=0)


if __name__ == "__main__":
    main()
