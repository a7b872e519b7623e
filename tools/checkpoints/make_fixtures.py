"""Checkpoint and .npy fixtures for MedFM's readers, written by the reference libraries themselves.

Usage: /usr/bin/python3 tools/checkpoints/make_fixtures.py   (Debian's python3-torch 1.13 and numpy)

Writes into tests/Fixtures/checkpoints/:
- torch.save files in the zip format and the legacy format (_use_new_zipfile_serialization=False), pickle
  protocols 2 (torch's default), 4 and 5: a flat state dict with every dtype, non-contiguous views (transpose,
  column, expand) sharing one storage, an nn.Parameter, 0-d and empty tensors; training-style nests
  ({'model': ..., 'optimizer': ..., 'epoch': ..., 'args': Namespace, numpy scalars}, {'state_dict': ...},
  {'teacher': ..., 'student': ...}); a zip whose top folder was renamed and one member deflated;
- safetensors files written by a faithful copy of the reference writer (github.com/huggingface/safetensors,
  safetensors/src/tensor.rs `prepare`/`serialize`: tensors sorted by descending dtype alignment then name, compact
  JSON header padded with spaces to a multiple of 8), and one with a valid but element-misaligned tiling;
- hostile pickles built with __reduce__ (os.system, builtins.eval, subprocess.Popen) and a pickled nn.Module: a
  reader that executed them would create the file `medfm_pickle_marker` in its working directory;
- expected.json: for every tensor of every file, dtype, shape, strides, storage offset, requires_grad and its
  values in C order, as float32 bit patterns (exact, NaN and -0.0 included) or as integers;
- npy/: arrays saved by numpy (every supported dtype, big-endian, Fortran order, versions 1.0/2.0/3.0, 0-d,
  empty) with npy_expected.json, and writer_*.npy references for byte-exact comparison with MedFM's writer.
"""
import argparse
import base64
import collections
import json
import pickle
import os
import struct
import subprocess
import zipfile

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fixtures", "checkpoints")
MARKER = "medfm_pickle_marker"
DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
               torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
               torch.uint8: "U8", torch.bool: "BOOL"}
EXPECTED = {}


def every_dtype():
    g = torch.Generator().manual_seed(1234)
    f32 = torch.randn(3, 4, generator=g)
    f32.view(-1)[:4] = torch.tensor([-0.0, float("inf"), float("nan"), 1e-40])  # sign of zero, inf, NaN, subnormal
    f16 = torch.cat([torch.randn(3, generator=g), torch.tensor([6e-8, 65504.0, -float("inf")])]).half()
    bf16 = torch.cat([torch.randn(4, generator=g), torch.tensor([1e38, -3e-39])]).bfloat16().reshape(2, 3)
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5 - 1.0
    sd = {
        "f32": f32,
        "f16": f16,
        "bf16": bf16,
        "f64": torch.tensor([1 / 3, 1e300, -2.5, 1e-320, 2.0 ** -149], dtype=torch.float64),
        "i64": torch.tensor([-(2 ** 63), 2 ** 63 - 1, 0, 123456789012, 16777217], dtype=torch.int64),
        "i32": torch.tensor([[-(2 ** 31), 2 ** 31 - 1], [7, -7]], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, -1], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 128], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True, True]),
        "base": base,
        "base_t": base.t(),                              # strides (1, 4): a transpose of base's storage
        "row1": base[1],                                 # storage offset 4
        "col2": base[:, 2],                              # stride 4, offset 2
        "expanded": torch.tensor([1.5, -2.0]).expand(3, 2),  # stride 0
        "param": nn.Parameter(torch.linspace(-1, 1, 5)),  # pickled through _rebuild_parameter
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 3),
    }
    return sd


def small_model():
    torch.manual_seed(7)
    m = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(2, 3))
    m.train()
    out = m(torch.randn(4, 1, 3, 3)).sum()
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    out.backward()
    opt.step()
    return m, opt


def describe(t):
    requires_grad = bool(t.requires_grad)
    t = t.detach()
    entry = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "strides": list(t.stride()),
             "storage_offset": t.storage_offset(), "requires_grad": requires_grad}
    flat = t.contiguous().reshape(-1)
    if t.dtype.is_floating_point:
        entry["f32_bits"] = flat.float().numpy().view(np.uint32).tolist()
    else:
        entry["int64"] = flat.to(torch.int64).tolist()
        entry["f32_bits"] = flat.float().numpy().view(np.uint32).tolist()
    return entry


def expect(name, path, sd, extra=None):
    EXPECTED[name] = {"path": path, "keys": list(sd.keys()), "tensors": {k: describe(v) for k, v in sd.items()}}
    if extra:
        EXPECTED[name].update(extra)


def save_torch(name, obj, legacy=False, protocol=2):
    path = os.path.join(OUT, name)
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy, pickle_protocol=protocol)
    # The reference loader must read back what we expect.
    back = torch.load(path)
    assert type(back) is type(obj)
    return path


# ---- safetensors, following the reference writer ----

ST_ORDER = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"]  # increasing alignment (subset of Dtype)


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    arr = t.numpy()
    return arr.astype(arr.dtype.newbyteorder("<")).tobytes()


def safetensors_bytes(tensors, metadata=None, sort=True):
    items = list(tensors.items())
    if sort:
        items.sort(key=lambda kv: (-ST_ORDER.index(DTYPE_NAMES[kv[1].dtype]), kv[0].encode()))
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    for name, t in items:
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs), [k for k, _ in items]


def save_safetensors(name, tensors, metadata=None, sort=True):
    data, order = safetensors_bytes(tensors, metadata, sort)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    expect(name, "", {k: tensors[k].detach().clone() for k in order}, {"metadata": metadata or {}})  # stored C-contiguous


# ---- hostile pickles ----

class SystemCall:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


class EvalCall:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch " + MARKER + "')",))


class PopenCall:
    def __reduce__(self):
        return (subprocess.Popen, (["touch", MARKER],))


def hostile():
    for name, obj, legacy in [("malicious_os_system.pth", {"weight": torch.ones(2), "x": SystemCall()}, False),
                              ("malicious_eval_legacy.pth", {"x": EvalCall()}, True),
                              ("malicious_popen.pth", [PopenCall()], False)]:
        torch.save(obj, os.path.join(OUT, name), _use_new_zipfile_serialization=not legacy)
    torch.save(nn.Linear(2, 2), os.path.join(OUT, "pickled_module.pth"))
    EXPECTED["hostile"] = {"malicious_os_system.pth": "posix.system", "malicious_eval_legacy.pth": "builtins.eval",
                           "malicious_popen.pth": "subprocess.Popen", "pickled_module.pth": "torch.nn.modules.linear.Linear"}


def renamed_archive(src_name, dst_name):
    """Rewrites a torch zip under the top folder 'archive', deflating data.pkl (torch itself stores members)."""
    with zipfile.ZipFile(os.path.join(OUT, src_name)) as zin, zipfile.ZipFile(os.path.join(OUT, dst_name), "w") as zout:
        for info in zin.infolist():
            rest = info.filename.split("/", 1)[1]
            method = zipfile.ZIP_DEFLATED if rest in ("data.pkl", "data/1") else zipfile.ZIP_STORED
            zout.writestr("archive/" + rest, zin.read(info.filename), compress_type=method)
    assert isinstance(torch.load(os.path.join(OUT, dst_name)), dict)


# ---- pure-data pickles, every protocol ----

def pure_data():
    shared = [9, "nine"]
    return {
        "int_small": 7, "int_byte": 255, "int_neg": -300, "int_32": 2 ** 31 - 1, "int_64": -(2 ** 63), "int_big": 2 ** 100,
        "int_bigneg": -(2 ** 70) + 1, "float": 0.1, "float_neg_zero": -0.0, "float_inf": float("inf"), "float_big": 1e300,
        "str": "ascii", "unicode": "h\u00e9llo \u2192 \u4e16\u754c \U0001f642 back\\slash\nline", "long_str": "x" * 300,
        "bytes": b"\x00\xff raw\n", "bytearray": bytearray(b"ab"), "none": None, "t": True, "f": False,
        "tuple0": (), "tuple1": (1,), "tuple2": (1, "a"), "tuple3": (1, 2, 3), "tuple5": (1, 2, 3, 4, 5),
        "list": [1, [2, [3]]], "set": {1, 2}, "frozenset": frozenset({"x"}), "shared_a": shared, "shared_b": shared,
        "od": collections.OrderedDict([("b", 1), ("a", 2)]), "int_keys": {1: "one", 2: "two"},
        "tuple_key": {(1, "x"): "v"}, "nested": {"a": {"b": {"c": [1.5]}}},
    }


def pickles():
    obj = pure_data()
    out = {}
    for protocol in range(6):
        data = pickle.dumps(obj, protocol=protocol)
        assert pickle.loads(data) == obj
        out[str(protocol)] = base64.b64encode(data).decode()
    with open(os.path.join(OUT, "pure_data_pickles.json"), "w") as f:
        json.dump(out, f, indent=1)


# ---- numpy ----

def npy_fixtures():
    d = os.path.join(OUT, "npy")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(5)
    arrays = {
        "f4_c": rng.standard_normal((2, 3, 4)).astype("<f4"),
        "f8": np.array([1 / 3, -1e300, 2.5e-310, 7.0], dtype="<f8"),
        "f2": np.array([[0.5, -65504.0], [6e-8, 1.0009765625]], dtype="<f2"),
        "i8": np.array([-(2 ** 63), 2 ** 63 - 1, 42], dtype="<i8"),
        "i4": np.array([[-(2 ** 31), 5], [2 ** 31 - 1, -5]], dtype="<i4"),
        "i2": np.array([-32768, 32767], dtype="<i2"),
        "u1": np.array([0, 200, 255], dtype="|u1"),
        "b1": np.array([[True, False], [False, True]]),
        "f4_be": rng.standard_normal((3, 2)).astype(">f4"),
        "i8_be": np.array([1, -2, 2 ** 40], dtype=">i8"),
        "f4_fortran": np.asfortranarray(rng.standard_normal((3, 4, 2)).astype("<f4")),
        "i4_fortran": np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3)),
        "f4_scalar": np.array(2.75, dtype="<f4"),
        "f4_empty": np.zeros((0, 3), dtype="<f4"),
    }
    expected = {}
    for name, a in arrays.items():
        with open(os.path.join(d, name + ".npy"), "wb") as f:
            np.lib.format.write_array(f, a, version=(1, 0))
        expected[name] = npy_expect(a, (1, 0))
    for version in [(2, 0), (3, 0)]:
        name = f"f4_v{version[0]}"
        a = arrays["f4_c"][0]
        with open(os.path.join(d, name + ".npy"), "wb") as f:
            np.lib.format.write_array(f, a, version=version)
        expected[name] = npy_expect(a, version)
    # References for MedFM's writer: what np.save writes for these float32 / int64 arrays.
    writer = {"writer_f4_2x3": np.arange(6, dtype="<f4").reshape(2, 3) / 4,
              "writer_f4_7": np.linspace(-1, 1, 7).astype("<f4"),
              "writer_f4_scalar": np.array(-0.5, dtype="<f4"),
              "writer_f4_0x5": np.zeros((0, 5), dtype="<f4"),
              "writer_i8_3x1x2": np.arange(-3, 3, dtype="<i8").reshape(3, 1, 2),
              "writer_i8_long_dim": np.arange(1234567, 1234567 + 3, dtype="<i8").reshape(1, 3)}
    for name, a in writer.items():
        np.save(os.path.join(d, name + ".npy"), a)
        expected[name] = npy_expect(a, (1, 0))
    with open(os.path.join(d, "npy_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def npy_expect(a, version):
    c = np.ascontiguousarray(a)
    e = {"descr": a.dtype.str, "shape": list(a.shape), "fortran_order": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
         "version": list(version)}
    if a.dtype.kind in "fb":
        e["f32_bits"] = c.astype("<f4").reshape(-1).view(np.uint32).tolist()
    else:
        e["int64"] = c.astype("<i8").reshape(-1).tolist()
    return e


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = every_dtype()
    for legacy, tag in [(False, "zip"), (True, "legacy")]:
        name = f"all_dtypes_{tag}.pth"
        save_torch(name, sd, legacy=legacy)
        expect(name, "", sd)
    model, opt = small_model()
    msd = model.state_dict()
    nested = {"model": msd, "optimizer": opt.state_dict(), "epoch": 7, "step": np.int64(12),
              "best_metric": np.float64(0.875), "amp_dtype": torch.float16, "device": torch.device("cpu"),
              "args": argparse.Namespace(lr=0.1, name="mae", sizes=[1, 2], flags={"a": True}),
              "mean": np.array([0.25, 0.5, 0.75], dtype=np.float32), "tags": {"ct", "mr"}}
    extra = {"ignored_top": ["optimizer", "epoch"], "epoch": 7, "step": 12, "best_metric": 0.875, "args_lr": 0.1,
             "args_name": "mae", "mean_f32_bits": nested["mean"].view(np.uint32).tolist(),
             "momentum_shape": list(opt.state_dict()["state"][0]["momentum_buffer"].shape),
             "param_group_lr": 0.1, "param_group_params": opt.state_dict()["param_groups"][0]["params"]}
    for legacy, tag in [(False, "zip"), (True, "legacy")]:
        name = f"nested_model_{tag}.pth"
        save_torch(name, nested, legacy=legacy)
        expect(name, "model", msd, extra)
    wrapped = {"state_dict": msd, "epoch": 3}
    save_torch("state_dict_p4_zip.pth", wrapped, protocol=4)
    expect("state_dict_p4_zip.pth", "state_dict", msd)
    save_torch("state_dict_p5_legacy.pth", wrapped, legacy=True, protocol=5)
    expect("state_dict_p5_legacy.pth", "state_dict", msd)
    g = torch.Generator().manual_seed(3)
    teacher = {"backbone.cls_token": torch.randn(1, 1, 4, generator=g), "head.last_layer.weight": torch.randn(3, 4, generator=g)}
    student = {k: v + 1 for k, v in teacher.items()}
    save_torch("teacher_student.pth", {"student": student, "teacher": teacher, "epoch": 1})
    expect("teacher_student.pth", "teacher", teacher)
    renamed_archive("nested_model_zip.pth", "renamed_archive.pth")
    expect("renamed_archive.pth", "model", msd)
    save_safetensors("all_dtypes.safetensors", {k: v.detach().contiguous() for k, v in sd.items()},
                     metadata={"format": "pt", "source": "medfm fixtures"})
    save_safetensors("unaligned.safetensors", {"mask": torch.tensor([1, 2, 3], dtype=torch.uint8),
                                               "w": torch.tensor([0.5, -1.25], dtype=torch.float32)}, sort=False)
    hostile()
    pickles()
    npy_fixtures()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(EXPECTED, f, indent=None, separators=(",", ":"))


if __name__ == "__main__":
    main()
