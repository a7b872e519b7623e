#!/usr/bin/python3
"""Peer side of `MedFM.Bench.Kernels conv` and `interp`: PyTorch CPU times of the same ops on the same shapes.

    spatial_peer.py THREADS REPEATS CASES_JSON   → JSON {"torch": version, "times": {name: median seconds}}

CASES_JSON is a list of cases, each {"name", "op", "x": shape, "backward"} plus, for op conv2d / conv_transpose2d,
"w": shape, "stride", "padding", "groups", and for op interpolate, "size", "mode", "align_corners" (or null),
"antialias". Each case runs under torch.no_grad() (forward) or as forward + backward of sum(y * gy) (backward),
after two warm-up calls; the median of REPEATS timed calls is reported. Run it through bench/peers/torch-tuned.sh
to quote PyTorch as a tuned user would.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def make_op(case, g):
    """The op as a function of its differentiable inputs, and those inputs."""
    x = torch.randn(case["x"], generator=g)
    if case["op"] == "interpolate":
        kw = dict(size=case["size"], mode=case["mode"], align_corners=case["align_corners"], antialias=case["antialias"])
        return (lambda a: F.interpolate(a, **kw)), [x]
    w = torch.randn(case["w"], generator=g) * 0.05
    fn = F.conv2d if case["op"] == "conv2d" else F.conv_transpose2d
    kw = dict(stride=case["stride"], padding=case["padding"], groups=case["groups"])
    return (lambda a, b: fn(a, b, None, **kw)), [x, w]


def run_case(case, repeats):
    g = torch.Generator().manual_seed(0)
    fn, inputs = make_op(case, g)
    if case["backward"]:
        for t in inputs:
            t.requires_grad_()
        gy = None

        def call():
            nonlocal gy
            y = fn(*inputs)
            if gy is None:
                gy = torch.randn(y.shape, generator=g)
            y.backward(gy)
            for t in inputs:
                t.grad = None
    else:
        def call():
            with torch.no_grad():
                fn(*inputs)
    for _ in range(2):
        call()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    times.sort()
    n = len(times)
    return times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])


def main():
    threads, repeats, cases = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    torch.set_num_threads(threads)
    out = {c["name"]: run_case(c, repeats) for c in cases}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "times": out}))


if __name__ == "__main__":
    main()
