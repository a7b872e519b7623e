#!/usr/bin/python3
"""PyTorch-parity fixtures for the tensor engine's spatial ops (oracle: torch.nn.functional, Debian's torch 1.13).

For a grid of small configurations (odd sizes, strides, paddings, dilations, groups, ceil_mode, align_corners,
antialias up/down, bicubic borders, the scale_factor path) it stores the inputs, the output and, for a random
upstream gradient gy, the gradients of every differentiable input:

  conv2d / conv3d / conv_transpose2d / conv_transpose3d   x, w, b?, y, gy, gx, gw, gb?
  max_pool2d / max_pool3d                                   x, y, idx (flat index in each plane), gy, gx
  avg_pool2d / avg_pool3d / adaptive_avg_pool2d/3d          x, y, gy, gx
  interpolate                                               x, y, gy, gx
  pad (reflect / replicate / circular)                      x, y, gy, gx

Writes tests/Fixtures/tensors/spatial.safetensors (float32 tensors named "<case>/<tensor>") and spatial.json
(the list of cases with their parameters). Run: /usr/bin/python3 tools/tensors/make_spatial_fixtures.py
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "Fixtures", "tensors")

CASES = []
TENSORS = {}


def add(op, name, params, tensors):
    """Records one case: params go to the JSON list, tensors (name -> torch tensor) to the safetensors file."""
    key = f"{op}/{name}"
    assert all(c["key"] != key for c in CASES), key
    names = []
    for tname, t in tensors.items():
        if t is None:
            continue
        TENSORS[f"{key}/{tname}"] = t.detach().to(torch.float32).contiguous().numpy()
        names.append(tname)
    CASES.append({"key": key, "op": op, "params": params, "tensors": names})


def backward(y, inputs, seed):
    """Gradients of sum(y * gy) for a random gy; returns gy and the gradients (None for inputs not needing one)."""
    g = torch.Generator().manual_seed(seed)
    gy = torch.randn(y.shape, generator=g)
    need = [t for t in inputs if t is not None]
    grads = torch.autograd.grad(y, need, gy)
    it = iter(grads)
    return gy, [None if t is None else next(it) for t in inputs]


def rand(seed, *shape):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


# ---- convolutions ------------------------------------------------------------------------------------------

def conv_case(op, name, x_shape, w_shape, bias, seed, **kw):
    x = rand(seed, *x_shape).requires_grad_()
    w = (rand(seed + 1, *w_shape) * 0.5).requires_grad_()
    b = rand(seed + 2, w_shape[0] if op.startswith("conv") and "transpose" not in op else w_shape[1] * kw.get("groups", 1)).requires_grad_() if bias else None
    fn = {"conv2d": F.conv2d, "conv3d": F.conv3d, "conv_transpose2d": F.conv_transpose2d, "conv_transpose3d": F.conv_transpose3d}[op]
    y = fn(x, w, b, **kw)
    gy, (gx, gw, gb) = backward(y, [x, w, b], seed + 3)
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    add(op, name, params, {"x": x, "w": w, "b": b, "y": y, "gy": gy, "gx": gx, "gw": gw, "gb": gb})


def convolutions():
    c = conv_case
    c("conv2d", "basic_3x3_pad1", (2, 3, 7, 9), (4, 3, 3, 3), True, 10, stride=1, padding=1, dilation=1, groups=1)
    c("conv2d", "stride_2x3_pad_1x0", (1, 4, 11, 10), (6, 4, 3, 2), True, 20, stride=(2, 3), padding=(1, 0), dilation=1, groups=1)
    c("conv2d", "dilation2_pad2", (1, 2, 9, 9), (3, 2, 3, 3), False, 30, stride=1, padding=2, dilation=2, groups=1)
    c("conv2d", "dilation_2x3_stride2", (1, 3, 12, 13), (2, 3, 3, 2), True, 35, stride=2, padding=(2, 1), dilation=(2, 3), groups=1)
    c("conv2d", "groups2", (2, 4, 8, 7), (6, 2, 3, 3), True, 40, stride=1, padding=1, dilation=1, groups=2)
    c("conv2d", "depthwise_stride2", (1, 5, 9, 8), (5, 1, 3, 3), True, 50, stride=2, padding=1, dilation=1, groups=5)
    c("conv2d", "depthwise_multiplier2_7x7", (1, 3, 10, 11), (6, 1, 7, 7), True, 55, stride=1, padding=3, dilation=1, groups=3)
    c("conv2d", "pointwise", (2, 6, 5, 7), (4, 6, 1, 1), True, 60, stride=1, padding=0, dilation=1, groups=1)
    c("conv2d", "pointwise_stride2", (1, 6, 7, 9), (5, 6, 1, 1), False, 65, stride=2, padding=0, dilation=1, groups=1)
    c("conv2d", "pointwise_pad1", (1, 3, 4, 5), (2, 3, 1, 1), True, 67, stride=1, padding=1, dilation=1, groups=1)
    c("conv2d", "patch16", (2, 3, 32, 48), (8, 3, 16, 16), True, 70, stride=16, padding=0, dilation=1, groups=1)
    c("conv2d", "patch14_remainder", (1, 3, 31, 29), (5, 3, 14, 14), True, 75, stride=14, padding=0, dilation=1, groups=1)
    c("conv2d", "patch_4x2", (1, 2, 8, 9), (3, 2, 4, 2), False, 77, stride=(4, 2), padding=0, dilation=1, groups=1)
    c("conv2d", "kernel_larger_than_stride_groups", (1, 6, 9, 10), (4, 3, 4, 4), True, 80, stride=3, padding=2, dilation=1, groups=2)
    c("conv3d", "basic_pad1", (1, 2, 5, 6, 7), (3, 2, 3, 3, 3), True, 100, stride=1, padding=1, dilation=1, groups=1)
    c("conv3d", "strided_dilated_groups", (1, 4, 7, 6, 5), (4, 2, 2, 3, 3), True, 110, stride=(1, 2, 2), padding=(1, 1, 0), dilation=(2, 1, 1), groups=2)
    c("conv3d", "patch4", (2, 1, 8, 8, 12), (4, 1, 4, 4, 4), True, 120, stride=4, padding=0, dilation=1, groups=1)
    c("conv3d", "pointwise", (1, 3, 3, 4, 5), (2, 3, 1, 1, 1), True, 125, stride=1, padding=0, dilation=1, groups=1)
    c("conv_transpose2d", "sam_upscale_k2s2", (1, 4, 5, 6), (4, 3, 2, 2), True, 200, stride=2, padding=0, output_padding=0, dilation=1, groups=1)
    c("conv_transpose2d", "k3s2p1_outpad1", (2, 3, 4, 5), (3, 2, 3, 3), True, 210, stride=2, padding=1, output_padding=1, dilation=1, groups=1)
    c("conv_transpose2d", "groups2_dilation2", (1, 4, 5, 4), (4, 3, 3, 3), True, 220, stride=2, padding=1, output_padding=1, dilation=2, groups=2)
    c("conv_transpose2d", "stride3_gaps", (1, 2, 3, 3), (2, 2, 2, 2), False, 230, stride=3, padding=0, output_padding=0, dilation=1, groups=1)
    c("conv_transpose2d", "rect_stride_pad", (1, 3, 4, 3), (3, 2, 3, 4), True, 240, stride=(1, 2), padding=(0, 1), output_padding=(0, 1), dilation=1, groups=1)
    c("conv_transpose2d", "pointwise", (1, 4, 3, 5), (4, 2, 1, 1), True, 245, stride=1, padding=0, output_padding=0, dilation=1, groups=1)
    c("conv_transpose2d", "stride1_dilation2_outpad1", (1, 2, 4, 5), (2, 3, 3, 2), True, 247, stride=1, padding=1, output_padding=1, dilation=2, groups=1)
    c("conv_transpose3d", "k2s2", (1, 3, 2, 3, 4), (3, 2, 2, 2, 2), True, 250, stride=2, padding=0, output_padding=0, dilation=1, groups=1)
    c("conv_transpose3d", "k3s2p1_outpad", (1, 2, 3, 2, 3), (2, 2, 3, 3, 3), True, 260, stride=2, padding=1, output_padding=(1, 0, 1), dilation=1, groups=1)


# ---- pooling ------------------------------------------------------------------------------------------------

def max_pool_case(op, name, x_shape, seed, **kw):
    x = rand(seed, *x_shape).requires_grad_()
    fn = F.max_pool2d if op == "max_pool2d" else F.max_pool3d
    y, idx = fn(x, return_indices=True, **kw)
    gy, (gx,) = backward(y, [x], seed + 1)
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    add(op, name, params, {"x": x, "y": y, "idx": idx.to(torch.float32), "gy": gy, "gx": gx})


def simple_case(op, name, fn, x_shape, seed, params):
    x = rand(seed, *x_shape).requires_grad_()
    y = fn(x)
    gy, (gx,) = backward(y, [x], seed + 1)
    add(op, name, params, {"x": x, "y": y, "gy": gy, "gx": gx})


def pooling():
    m = max_pool_case
    m("max_pool2d", "k3s2p1", (2, 3, 9, 8), 300, kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)
    m("max_pool2d", "k2s2", (1, 2, 8, 7), 310, kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    m("max_pool2d", "k3s2_ceil", (1, 2, 8, 10), 320, kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)
    m("max_pool2d", "k3s2p1_ceil_dilation2", (1, 2, 11, 12), 330, kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)
    m("max_pool2d", "rect_k2x3_s1x2_p1_ceil", (1, 3, 7, 9), 340, kernel_size=(2, 3), stride=(1, 2), padding=1, dilation=1, ceil_mode=True)
    m("max_pool2d", "k5s3p2_ceil_last_window_dropped", (1, 1, 10, 10), 345, kernel_size=5, stride=3, padding=2, dilation=1, ceil_mode=True)
    m("max_pool3d", "k2s2", (1, 2, 4, 5, 6), 350, kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    m("max_pool3d", "k3s2p1_ceil", (1, 2, 5, 6, 7), 355, kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)
    for name, shape, kw in [
        ("k3s2p1_include_pad", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=False, count_include_pad=True)),
        ("k3s2p1_exclude_pad", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=False, count_include_pad=False)),
        ("k3s2_ceil_include_pad", (1, 2, 8, 10), dict(kernel_size=3, stride=2, padding=0, ceil_mode=True, count_include_pad=True)),
        ("k3s2p1_ceil_include_pad", (1, 2, 8, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)),
        ("k3s2p1_ceil_exclude_pad", (1, 2, 8, 10), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
        ("rect_k2x3_s2x1_p1x0", (1, 2, 7, 6), dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 0), ceil_mode=False, count_include_pad=True)),
        ("divisor_override", (1, 2, 6, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=False, count_include_pad=True, divisor_override=4)),
    ]:
        simple_case("avg_pool2d", name, lambda x, kw=kw: F.avg_pool2d(x, **kw), shape, 400 + len(CASES), jsonable(kw))
    for name, shape, kw in [
        ("k2s2", (1, 2, 4, 5, 6), dict(kernel_size=2, stride=2, padding=0, ceil_mode=False, count_include_pad=True)),
        ("k3s2p1_ceil_exclude_pad", (1, 2, 5, 6, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ]:
        simple_case("avg_pool3d", name, lambda x, kw=kw: F.avg_pool3d(x, **kw), shape, 450 + len(CASES), jsonable(kw))
    for name, shape, out in [("7x9_to_3x4", (2, 3, 7, 9), (3, 4)), ("5x5_to_1x1", (1, 4, 5, 5), (1, 1)),
                             ("3x5_to_7x6_upsample", (1, 2, 3, 5), (7, 6)), ("14x14_to_14x14", (1, 1, 14, 14), (14, 14)),
                             ("10x13_to_4x5", (1, 2, 10, 13), (4, 5))]:
        simple_case("adaptive_avg_pool2d", name, lambda x, out=out: F.adaptive_avg_pool2d(x, out), shape, 500 + len(CASES), {"output_size": list(out)})
    simple_case("adaptive_avg_pool3d", "5x6x7_to_2x4x3", lambda x: F.adaptive_avg_pool3d(x, (2, 4, 3)), (1, 2, 5, 6, 7), 560, {"output_size": [2, 4, 3]})


def jsonable(kw):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}


# ---- interpolation ------------------------------------------------------------------------------------------

def interp_case(name, x_shape, seed, **kw):
    x = rand(seed, *x_shape).requires_grad_()
    y = F.interpolate(x, **kw)
    gy, (gx,) = backward(y, [x], seed + 1)
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    add("interpolate", name, params, {"x": x, "y": y, "gy": gy, "gx": gx})


def interpolation():
    i = interp_case
    x4 = (1, 2, 7, 9)
    # nearest (legacy index = floor(dst * scale)) and nearest-exact
    i("nearest_size_13x5", x4, 600, size=(13, 5), mode="nearest")
    i("nearest_size_2x", x4, 602, size=(14, 18), mode="nearest")
    i("nearest_scale_1p7", x4, 604, scale_factor=1.7, mode="nearest")
    i("nearest_scale_0p45_recompute", x4, 606, scale_factor=0.45, mode="nearest", recompute_scale_factor=True)
    i("nearest_scale_2p5x0p5", x4, 607, scale_factor=(2.5, 0.5), mode="nearest")
    i("nearest_exact_size_13x5", x4, 608, size=(13, 5), mode="nearest-exact")
    i("nearest_exact_scale_1p7", x4, 610, scale_factor=1.7, mode="nearest-exact")
    i("nearest_exact_size_3x4", x4, 612, size=(3, 4), mode="nearest-exact")
    # bilinear
    for ac in (False, True):
        t = "ac" if ac else "hp"
        i(f"bilinear_{t}_up_13x17", x4, 620 + ac, size=(13, 17), mode="bilinear", align_corners=ac)
        i(f"bilinear_{t}_down_4x5", x4, 622 + ac, size=(4, 5), mode="bilinear", align_corners=ac)
        i(f"bilinear_{t}_scale_2p3", x4, 624 + ac, scale_factor=2.3, mode="bilinear", align_corners=ac)
        i(f"bilinear_{t}_scale_0p6_recompute", x4, 626 + ac, scale_factor=0.6, mode="bilinear", align_corners=ac, recompute_scale_factor=True)
        i(f"bilinear_{t}_to_1x1", x4, 628 + ac, size=(1, 1), mode="bilinear", align_corners=ac)
        i(f"bicubic_{t}_up_13x17", x4, 630 + ac, size=(13, 17), mode="bicubic", align_corners=ac)
        i(f"bicubic_{t}_down_4x5", x4, 632 + ac, size=(4, 5), mode="bicubic", align_corners=ac)
        i(f"bicubic_{t}_scale_1p5", x4, 634 + ac, scale_factor=1.5, mode="bicubic", align_corners=ac)
        i(f"bicubic_{t}_tiny_2x3_to_9x8", (1, 1, 2, 3), 636 + ac, size=(9, 8), mode="bicubic", align_corners=ac)
    i("bilinear_same_size", x4, 640, size=(7, 9), mode="bilinear", align_corners=False)
    i("bilinear_scale_1p1_same_size", x4, 641, scale_factor=1.1, mode="bilinear", align_corners=False)
    # antialias (separable PIL-style filters; bicubic uses a = -0.5 on this path)
    x_big = (1, 2, 23, 19)
    for mode in ("bilinear", "bicubic"):
        i(f"{mode}_aa_down_5x4", x_big, 650, size=(5, 4), mode=mode, align_corners=False, antialias=True)
        i(f"{mode}_aa_down_11x7", x_big, 652, size=(11, 7), mode=mode, align_corners=False, antialias=True)
        i(f"{mode}_aa_up_31x40", x_big, 654, size=(31, 40), mode=mode, align_corners=False, antialias=True)
        i(f"{mode}_aa_mixed_7x30", x_big, 656, size=(7, 30), mode=mode, align_corners=False, antialias=True)
        i(f"{mode}_aa_scale_0p3", x_big, 658, scale_factor=0.3, mode=mode, align_corners=False, antialias=True)
        i(f"{mode}_aa_align_corners_down_6x5", x_big, 660, size=(6, 5), mode=mode, align_corners=True, antialias=True)
    # 3-D and 5-D
    x5 = (1, 2, 3, 4, 5)
    i("nearest_5d_size_5x3x7", x5, 670, size=(5, 3, 7), mode="nearest")
    i("nearest_exact_5d_scale_1p5", x5, 671, scale_factor=1.5, mode="nearest-exact")
    i("trilinear_hp_5x3x7", x5, 672, size=(5, 3, 7), mode="trilinear", align_corners=False)
    i("trilinear_ac_5x3x7", x5, 673, size=(5, 3, 7), mode="trilinear", align_corners=True)
    i("trilinear_scale_2", x5, 674, scale_factor=2.0, mode="trilinear", align_corners=False)
    i("linear_3d_hp_11", (2, 3, 6), 676, size=11, mode="linear", align_corners=False)
    i("linear_3d_ac_4", (2, 3, 6), 677, size=4, mode="linear", align_corners=True)
    i("nearest_3d_scale_2p2", (2, 3, 6), 678, scale_factor=2.2, mode="nearest")
    i("area_7x9_to_3x4", x4, 680, size=(3, 4), mode="area")


# ---- padding modes ------------------------------------------------------------------------------------------

def padding():
    for name, shape, pads, mode, seed in [
        ("reflect_4d", (1, 2, 5, 6), (1, 2, 3, 1), "reflect", 700),
        ("reflect_3d", (2, 3, 7), (3, 2), "reflect", 702),
        ("reflect_5d", (1, 1, 3, 4, 5), (1, 2, 0, 3, 2, 1), "reflect", 703),
        ("replicate_4d", (1, 2, 4, 3), (2, 3, 4, 1), "replicate", 704),
        ("replicate_5d", (1, 2, 3, 4, 2), (1, 1, 2, 0, 1, 3), "replicate", 706),
        ("circular_4d", (1, 2, 4, 5), (2, 1, 1, 3), "circular", 708),
        ("reflect_4d_negative", (1, 1, 6, 7), (-1, 2, 1, -2), "reflect", 710),
    ]:
        simple_case("pad", name, lambda x, pads=pads, mode=mode: F.pad(x, pads, mode=mode), shape, seed, {"pad": list(pads), "mode": mode})


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def main():
    torch.set_num_threads(1)
    convolutions()
    pooling()
    interpolation()
    padding()
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, "spatial.safetensors"), TENSORS)
    head = {"generator": "tools/tensors/make_spatial_fixtures.py", "torch": torch.__version__}
    tmp = os.path.join(OUT, "spatial.json.tmp")
    with open(tmp, "w") as f:  # one case per line: compact, and diffs stay readable
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in CASES))
        f.write("\n]}\n")
    os.replace(tmp, os.path.join(OUT, "spatial.json"))
    total = sum(a.size for a in TENSORS.values()) * 4
    print(f"{len(CASES)} cases, {len(TENSORS)} tensors, {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
