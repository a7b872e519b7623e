#!/usr/bin/python3
"""Peer side of `MedFM.Bench.Kernels eltwise`, `softmax`, `layernorm` and `attention`: PyTorch CPU times of the same
ops on the same shapes and thread count.

    transformer_peer.py THREADS REPEATS CASES_JSON   → JSON {"torch", "threads", "times": {name: [median s, min s]},
                                                             "rss_growth": {name: bytes}}

CASES_JSON is a list of {"name", "op", "backward", ...}:
  op add / mul: "n"; op gelu: "n", "approximate"; op softmax / log_softmax: "x" shape, "dim";
  op layer_norm: "x", "normalized"; op layer_norm2d: "x" ([B, C, H, W], SAM's LayerNorm2d written as
  segment_anything/modeling/common.py does); op attention: "q", "k" shapes ([..., L, E]) and optional "rel_pos":
  [qh, qw, kh, kw] for SAM's decomposed relative position bias (added as add_decomposed_rel_pos does).
  torch 1.13 has no F.scaled_dot_product_attention: attention is softmax(q·s @ kᵀ [+ rel pos]) @ v, the math SAM and
  timm run. Forward cases run under torch.no_grad(); backward cases time forward + backward of sum(y * gy).
Two warm-up calls, then REPEATS timed calls. rss_growth is the growth of the process's peak RSS during the case
(cases run in the given order, so it shows only what exceeds every earlier case).
"""
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F


def layer_norm2d(x, w, b, eps=1e-6):
    u = x.mean(1, keepdim=True)
    s = (x - u).pow(2).mean(1, keepdim=True)
    x = (x - u) / torch.sqrt(s + eps)
    return w[:, None, None] * x + b[:, None, None]


def attention(q, k, v, rel=None, shape=None):
    attn = (q * q.shape[-1] ** -0.5) @ k.transpose(-2, -1)
    if rel is not None:
        qh, qw, kh, kw = shape
        rel_h, rel_w = rel
        b = attn.shape[0]
        attn = (attn.view(b, qh, qw, kh, kw) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]).view(b, qh * qw, kh * kw)
    return attn.softmax(dim=-1) @ v


def make_op(case, g):
    """The op as a function of its inputs, and those inputs."""
    op = case["op"]
    if op in ("add", "mul"):
        x, y = torch.randn(case["n"], generator=g), torch.randn(case["n"], generator=g)
        return (torch.add if op == "add" else torch.mul), [x, y]
    if op == "gelu":
        return (lambda a: F.gelu(a, approximate=case["approximate"])), [torch.randn(case["n"], generator=g)]
    if op in ("softmax", "log_softmax"):
        fn = F.softmax if op == "softmax" else F.log_softmax
        return (lambda a: fn(a, dim=case["dim"])), [torch.randn(case["x"], generator=g) * 3]
    if op == "layer_norm":
        n = case["normalized"]
        return (lambda a, w, b: F.layer_norm(a, n, w, b, 1e-5)), \
            [torch.randn(case["x"], generator=g), torch.randn(n, generator=g), torch.randn(n, generator=g)]
    if op == "layer_norm2d":
        c = case["x"][1]
        return layer_norm2d, [torch.randn(case["x"], generator=g), torch.randn(c, generator=g), torch.randn(c, generator=g)]
    q, k = torch.randn(case["q"], generator=g), torch.randn(case["k"], generator=g)
    v = torch.randn(case["k"], generator=g)
    rel = case.get("rel_pos")
    if rel is None:
        return attention, [q, k, v]
    qh, qw, kh, kw = rel
    b = case["q"][0]
    rh, rw = torch.randn(b, qh, qw, kh, generator=g), torch.randn(b, qh, qw, kw, generator=g)
    return (lambda a, bb, c, h, w: attention(a, bb, c, (h, w), rel)), [q, k, v, rh, rw]


def run_case(case, repeats):
    g = torch.Generator().manual_seed(0)
    fn, inputs = make_op(case, g)
    if case.get("backward"):
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
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(2):
        call()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) * 1024
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
    return [median, times[0]], rss


def main():
    threads, repeats, cases = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    torch.set_num_threads(threads)
    times, rss = {}, {}
    for c in cases:
        times[c["name"]], rss[c["name"]] = run_case(c, repeats)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "times": times, "rss_growth": rss}))


if __name__ == "__main__":
    main()
