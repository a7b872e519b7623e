#!/usr/bin/python3
"""Reference fixtures for MedFM.NN layers and MedFM.Training optimisation, from PyTorch itself.

Run with Debian's torch 1.13:  /usr/bin/python3 tools/nn/make_fixtures.py [--monai PATH] [--mae PATH]
  --monai  a checkout of Project-MONAI/MONAI (its `monai` package is imported for DiceLoss / DiceCELoss)
  --mae    a checkout of facebookresearch/mae (util/lr_decay.py: layer-wise lr decay parameter groups)
Writes JSON (float32 values as exact decimal doubles) into tests/Fixtures/nn and tests/Fixtures/training.
A tensor is {"shape": [...], "data": [...]} (+ "dtype": "int64" for integer tensors).
"""
import argparse
import json
import math
import zlib
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def enc(t):
    t = t.detach()
    d = {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}
    if t.dtype == torch.int64:
        d["dtype"] = "int64"
        d["data"] = [int(v) for v in t.reshape(-1).tolist()]
    return d


def write(area, name, obj):
    path = os.path.join(ROOT, "tests", "Fixtures", area, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    os.replace(tmp, path)
    print(f"{path}: {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------------------------------------- layers

class LayerNorm2d(nn.Module):
    """SAM's channel LayerNorm (facebookresearch/segment-anything, segment_anything/modeling/common.py)."""

    def __init__(self, num_channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.bias = nn.Parameter(torch.zeros(num_channels))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


def randomize(module, gen):
    """Non-default values for every float parameter/buffer (positive running_var) so loading is really tested."""
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if t.dtype != torch.float32:
                continue
            v = torch.randn(t.shape, generator=gen) * 0.5
            if name.endswith("running_var"):
                v = v.abs() + 0.5
            t.copy_(v)


def layer_case(name, module, x, mode="eval", randomize_state=True, gen=None, int_input=False):
    gen = gen or torch.Generator().manual_seed(zlib.crc32(name.encode()))
    if randomize_state:
        randomize(module, gen)
    case = {
        "name": name,
        "repr": repr(module),
        "keys": [[k, list(v.shape), "int64" if v.dtype == torch.int64 else "float32"] for k, v in module.state_dict().items()],
        "state": {k: enc(v) for k, v in module.state_dict().items()},
        "mode": mode,
        "input": enc(x),
    }
    module.train(mode == "train")
    xin = x if int_input else x.clone().requires_grad_(True)
    y = module(xin)
    r = torch.randn(y.shape, generator=gen)
    (y * r).sum().backward()
    case["output"] = enc(y)
    case["projection"] = enc(r)
    grads = {} if int_input else {"input": enc(xin.grad)}
    for k, p in module.named_parameters():
        if p.grad is not None:
            grads[k] = enc(p.grad)
    case["grads"] = grads
    case["state_after"] = {k: enc(v) for k, v in module.state_dict().items()}
    return case


def layer_fixtures():
    g = torch.Generator().manual_seed(1)

    def rn(*shape):
        return torch.randn(shape, generator=g)

    cases = [
        layer_case("conv2d_basic", nn.Conv2d(3, 4, 3, padding=1), rn(2, 3, 5, 6)),
        layer_case("conv2d_strided_grouped", nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2, bias=False), rn(2, 4, 7, 6)),
        layer_case("conv2d_unbatched", nn.Conv2d(2, 3, 2, stride=2), rn(2, 4, 6)),
        layer_case("conv3d", nn.Conv3d(2, 3, (2, 3, 3), stride=(1, 2, 1), padding=(0, 1, 1)), rn(1, 2, 4, 5, 5)),
        layer_case("conv_transpose2d_basic", nn.ConvTranspose2d(4, 2, 2, stride=2), rn(2, 4, 3, 3)),
        layer_case("conv_transpose2d_complex", nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2), rn(1, 4, 4, 3)),
        layer_case("layer_norm", nn.LayerNorm(6), rn(2, 3, 6)),
        layer_case("layer_norm_2dims", nn.LayerNorm((3, 4), eps=1e-6), rn(2, 3, 4)),
        layer_case("layer_norm_no_affine", nn.LayerNorm(5, elementwise_affine=False), rn(3, 5)),
        layer_case("layer_norm2d_sam", LayerNorm2d(4), rn(2, 4, 3, 3)),
        layer_case("batch_norm2d_train", nn.BatchNorm2d(3), rn(4, 3, 2, 3) * 2 + 1, mode="train"),
        layer_case("batch_norm2d_eval", nn.BatchNorm2d(3), rn(2, 3, 2, 2), mode="eval"),
        layer_case("embedding", nn.Embedding(10, 4, padding_idx=1), torch.tensor([[3, 1, 7], [3, 9, 0]]), int_input=True),
        layer_case("max_pool2d_ceil", nn.MaxPool2d(3, 2, 1, ceil_mode=True), rn(2, 3, 7, 6)),
        layer_case("max_pool2d_dilated", nn.MaxPool2d(2, stride=1, dilation=2), rn(1, 2, 5, 5)),
        layer_case("avg_pool2d_ceil_include_pad", nn.AvgPool2d(3, 2, 1, ceil_mode=True), rn(2, 3, 7, 6)),
        layer_case("avg_pool2d_exclude_pad", nn.AvgPool2d((3, 2), (2, 2), (1, 1), count_include_pad=False), rn(1, 2, 5, 6)),
        layer_case("avg_pool2d_divisor", nn.AvgPool2d(2, divisor_override=3), rn(1, 2, 4, 4)),
        layer_case("adaptive_avg_pool2d_uneven", nn.AdaptiveAvgPool2d((3, 2)), rn(2, 3, 7, 5)),
        layer_case("adaptive_avg_pool2d_even", nn.AdaptiveAvgPool2d(2), rn(1, 2, 4, 6)),
        layer_case("activations", nn.Sequential(nn.GELU("tanh"), nn.SiLU(), nn.GELU(), nn.Tanh(), nn.Sigmoid(), nn.ReLU()), rn(2, 5)),
        layer_case("sequential_gaps", nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(4), nn.Conv2d(4, 2, 1, bias=False),
            nn.GELU(), nn.Dropout(0.2), nn.Flatten(), nn.Linear(2 * 5 * 5, 3)), rn(2, 3, 5, 5)),
    ]
    # BatchNorm with momentum=None (cumulative average) after 3 tracked batches.
    bn = nn.BatchNorm2d(2, momentum=None)
    randomize(bn, g)
    bn.num_batches_tracked.fill_(3)
    cases.append(layer_case("batch_norm2d_cumulative", bn, rn(3, 2, 2, 2), mode="train", randomize_state=False))

    reprs = {
        "tree": nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(8),
                              nn.ModuleList([nn.Linear(2, 3), nn.Linear(3, 3, bias=False)]),
                              nn.MaxPool2d(2), nn.AvgPool2d(3, 2, 1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                              nn.Dropout(0.1), nn.GELU(), nn.LayerNorm(8), nn.Embedding(10, 4, padding_idx=0),
                              nn.ConvTranspose2d(2, 4, 2, stride=2), nn.Conv3d(1, 2, 3), nn.Identity(), nn.SiLU(),
                              nn.Sigmoid(), nn.Tanh(), nn.ModuleDict({"a": nn.ReLU()}), nn.Sequential()),
        "conv2d_full": nn.Conv2d(4, 4, 3, 2, 1, 2, 2, bias=False),
        "conv_transpose2d_full": nn.ConvTranspose2d(4, 4, 3, 2, 1, 1, 2, False, 2),
        "layer_norm": nn.LayerNorm((3, 4), eps=1e-6, elementwise_affine=False),
        "batch_norm2d": nn.BatchNorm2d(3, eps=1e-3, momentum=None),
        "max_pool2d": nn.MaxPool2d(3, 2, 1, ceil_mode=True),
        "gelu_tanh": nn.GELU("tanh"),
        "dropout": nn.Dropout(0.25),
    }
    write("nn", "layers.json", {"cases": cases, "reprs": {k: repr(v) for k, v in reprs.items()}})


# ---------------------------------------------------------------------------------------------- optimizers

def optim_case(name, make, shapes, steps=5, no_grad=(), lrs=None):
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    params = [nn.Parameter(torch.randn(s, generator=g)) for s in shapes]
    init = [enc(p) for p in params]
    opt = make(params)
    grads, after, lr_list = [], [], []
    for step in range(steps):
        gs = []
        for i, p in enumerate(params):
            if (step, i) in no_grad:
                p.grad = None
                gs.append(None)
                continue
            gr = torch.randn(p.shape, generator=g) * (0.1 if i == 0 else 3.0)
            if gr.numel() > 2:
                gr.view(-1)[1] = 0.0
            p.grad = gr.clone()
            gs.append(enc(gr))
        if lrs is not None:
            for grp in opt.param_groups:
                grp["lr"] = lrs[step] * grp.get("lr_scale", 1.0)
        opt.step()
        grads.append(gs)
        after.append([enc(p) for p in params])
    sd = opt.state_dict()
    state = {}
    for idx, st in sd["state"].items():
        for k, v in st.items():
            if v is None:
                continue
            state[f"{idx}.{k}"] = enc(v) if torch.is_tensor(v) else {"shape": [], "data": [float(v)]}
    groups = [{k: v for k, v in grp.items() if k != "params" and not isinstance(v, (list, tuple)) and v is not None}
              | {"params": grp["params"], "betas": list(grp["betas"]) if "betas" in grp else None}
              for grp in sd["param_groups"]]
    return {"name": name, "init": init, "grads": grads, "after": after, "state": state, "groups": groups, "lrs": lrs}


def optim_fixtures():
    S = [(3, 4), (5,)]
    cases = [
        optim_case("sgd_plain", lambda p: torch.optim.SGD(p, lr=0.1), S),
        optim_case("sgd_momentum_dampening_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01), S),
        optim_case("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3), S),
        optim_case("adam_l2", lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.01), S),
        optim_case("adam_amsgrad", lambda p: torch.optim.Adam(p, lr=1e-2, amsgrad=True), S),
        optim_case("adam_maximize", lambda p: torch.optim.Adam(p, lr=1e-3, maximize=True), S),
        optim_case("adamw_groups", lambda p: torch.optim.AdamW(
            [{"params": [p[0]], "weight_decay": 0.05, "lr": 1e-2},
             {"params": [p[1]], "weight_decay": 0.0, "lr": 5e-3, "betas": (0.8, 0.95)}],
            lr=1e-3, betas=(0.9, 0.999), eps=1e-8), S, no_grad={(2, 1)}),
        optim_case("adamw_amsgrad", lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1, amsgrad=True, eps=1e-6), S),
        optim_case("adamw_scheduled_lr_scale", lambda p: torch.optim.AdamW(
            [{"params": [p[0]], "lr_scale": 0.5}, {"params": [p[1]], "lr_scale": 1.0, "weight_decay": 0.0}],
            lr=1e-3, weight_decay=0.05), S, lrs=[1e-3, 2e-3, 3e-3, 2.5e-3, 1e-3]),
    ]
    write("training", "optim.json", {"cases": cases})


# ---------------------------------------------------------------------------------------------- schedules

def schedule_fixtures():
    out = {}
    p = [nn.Parameter(torch.zeros(1))]
    base, warm, total, eta_min, start = 1e-3, 5, 20, 1e-5, 0.01
    opt = torch.optim.SGD(p, lr=base)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [
        torch.optim.lr_scheduler.LinearLR(opt, start_factor=start, end_factor=1.0, total_iters=warm),
        torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warm, eta_min=eta_min)], milestones=[warm])
    lrs = []
    for _ in range(total):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    # The closed form these torch schedulers implement; both must agree before the values are trusted.
    for s, v in enumerate(lrs):
        ref = base * (start + (1 - start) * s / warm) if s < warm else \
            eta_min + (base - eta_min) * (1 + math.cos(math.pi * (s - warm) / (total - warm))) / 2
        assert abs(ref - v) <= 1e-12 + 1e-9 * abs(ref), (s, ref, v)
    out["cosine_warmup_torch"] = {"base_lr": base, "warmup_steps": warm, "total_steps": total, "min_lr": eta_min,
                                  "warmup_start_lr": base * start, "lrs": lrs}
    # MAE's per-iteration schedule (facebookresearch/mae util/lr_sched.py), warm-up from 0, in fractional epochs.
    sys.path.insert(0, ARGS.mae)
    from util.lr_sched import adjust_learning_rate
    ns = argparse.Namespace(lr=2e-3, min_lr=1e-6, warmup_epochs=2, epochs=6)
    opt2 = torch.optim.SGD(p, lr=ns.lr)
    steps_per_epoch = 4
    mae = [adjust_learning_rate(opt2, it / steps_per_epoch, ns) for it in range(ns.epochs * steps_per_epoch)]
    out["cosine_warmup_mae"] = {"base_lr": ns.lr, "warmup_steps": ns.warmup_epochs * steps_per_epoch,
                                "total_steps": ns.epochs * steps_per_epoch, "min_lr": ns.min_lr, "warmup_start_lr": 0.0, "lrs": mae}
    for name, mk in [("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
                     ("multistep", lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 7], gamma=0.1))]:
        o = torch.optim.SGD(p, lr=0.1)
        s = mk(o)
        vals = []
        for _ in range(10):
            vals.append(o.param_groups[0]["lr"])
            o.step()
            s.step()
        out[name] = {"base_lr": 0.1, "lrs": vals}
    write("training", "schedules.json", out)


# ---------------------------------------------------------------------------------------------- clipping

def clip_fixtures():
    g = torch.Generator().manual_seed(7)
    cases = []
    for name, max_norm, norm_type in [("l2_clipped", 1.0, 2.0), ("l2_unclipped", 100.0, 2.0), ("inf_clipped", 0.5, float("inf")), ("l1_clipped", 2.0, 1.0)]:
        ps = [nn.Parameter(torch.zeros(s)) for s in [(3, 4), (5,), (2, 2, 2)]]
        for p in ps:
            p.grad = torch.randn(p.shape, generator=g)
        before = [enc(p.grad) for p in ps]
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        cases.append({"name": name, "max_norm": max_norm, "norm_type": "inf" if math.isinf(norm_type) else norm_type,
                      "grads": before, "total_norm": float(total), "clipped": [enc(p.grad) for p in ps]})
    ps = [nn.Parameter(torch.zeros(s)) for s in [(3, 4), (5,)]]
    for p in ps:
        p.grad = torch.randn(p.shape, generator=g)
    before = [enc(p.grad) for p in ps]
    torch.nn.utils.clip_grad_value_(ps, 0.3)
    cases.append({"name": "value", "clip_value": 0.3, "grads": before, "clipped": [enc(p.grad) for p in ps]})
    write("training", "clip.json", {"cases": cases})


# ---------------------------------------------------------------------------------------------- losses

def loss_case(name, fn, x, target, **extra):
    xin = x.clone().requires_grad_(True)
    loss = fn(xin, target)
    g = torch.Generator().manual_seed(11)
    r = torch.randn(loss.shape, generator=g) if loss.dim() > 0 else torch.ones(())
    (loss * r).sum().backward()
    case = {"name": name, "input": enc(x), "target": enc(target), "loss": enc(loss), "projection": enc(r), "grad": enc(xin.grad)}
    case.update({k: (enc(v) if torch.is_tensor(v) else v) for k, v in extra.items()})
    return case


def loss_fixtures():
    sys.path.insert(0, ARGS.monai)
    from monai.losses import DiceLoss, DiceCELoss
    from torchvision.ops import sigmoid_focal_loss
    g = torch.Generator().manual_seed(5)

    def rn(*s):
        return torch.randn(s, generator=g)

    def ri(hi, *s):
        return torch.randint(0, hi, s, generator=g)

    w5 = torch.rand(5, generator=g) + 0.5
    t_ign = torch.tensor([0, 2, 4, 2, 1, 3])
    t_100 = torch.tensor([0, -100, 4, 2, -100, 3])
    x6 = rn(6, 5) * 2
    probs = torch.softmax(rn(4, 5), 1)
    w3 = torch.tensor([0.2, 1.0, 2.5])
    tsp = ri(3, 2, 4, 4)
    tsp[0, 0, :2] = -100
    ce = [
        loss_case("ce_basic", lambda x, t: F.cross_entropy(x, t), x6, ri(5, 6)),
        loss_case("ce_label_smoothing", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), x6, ri(5, 6), label_smoothing=0.1),
        loss_case("ce_ignore_index", lambda x, t: F.cross_entropy(x, t, ignore_index=2), x6, t_ign, ignore_index=2),
        loss_case("ce_weight", lambda x, t: F.cross_entropy(x, t, weight=w5), x6, ri(5, 6), weight=w5),
        loss_case("ce_weight_smoothing_ignore", lambda x, t: F.cross_entropy(x, t, weight=w5, label_smoothing=0.2), x6, t_100,
                  weight=w5, label_smoothing=0.2),
        loss_case("ce_smoothing_ignore", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.2), x6, t_100, label_smoothing=0.2),
        loss_case("ce_spatial", lambda x, t: F.cross_entropy(x, t, weight=w3, label_smoothing=0.05), rn(2, 3, 4, 4), tsp,
                  weight=w3, label_smoothing=0.05),
        loss_case("ce_probabilities", lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), rn(4, 5), probs, label_smoothing=0.1),
        loss_case("ce_probabilities_weight", lambda x, t: F.cross_entropy(x, t, weight=w5), rn(4, 5), probs, weight=w5),
        loss_case("ce_sum", lambda x, t: F.cross_entropy(x, t, reduction="sum", label_smoothing=0.1, ignore_index=2), x6, t_ign,
                  reduction="sum", label_smoothing=0.1, ignore_index=2),
        loss_case("ce_none", lambda x, t: F.cross_entropy(x, t, weight=w5, reduction="none", label_smoothing=0.1), x6, t_100,
                  weight=w5, reduction="none", label_smoothing=0.1),
    ]
    xb = rn(3, 4) * 3
    xb[0, 0], xb[1, 1] = 60.0, -60.0
    tb = torch.rand(3, 4, generator=g)
    tb[0, 1], tb[2, 2] = 1.0, 0.0
    pw = torch.tensor([0.5, 1.0, 2.0, 3.0])
    wb = torch.rand(3, 4, generator=g)
    bce = [
        loss_case("bce_basic", lambda x, t: F.binary_cross_entropy_with_logits(x, t), xb, tb),
        loss_case("bce_pos_weight", lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw), xb, tb, pos_weight=pw),
        loss_case("bce_weight_sum", lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=wb, reduction="sum"), xb, tb,
                  weight=wb, reduction="sum"),
        loss_case("mse_mean", lambda x, t: F.mse_loss(x, t), rn(3, 4), rn(3, 4)),
        loss_case("mse_sum", lambda x, t: F.mse_loss(x, t, reduction="sum"), rn(2, 5), rn(2, 5), reduction="sum"),
        loss_case("focal_default", lambda x, t: sigmoid_focal_loss(x, t, reduction="mean"), xb, (tb > 0.5).float()),
        loss_case("focal_no_alpha_sum", lambda x, t: sigmoid_focal_loss(x, t, alpha=-1, gamma=1.5, reduction="sum"), xb, tb,
                  alpha=-1.0, gamma=1.5, reduction="sum"),
    ]
    lab = ri(3, 2, 1, 4, 4)
    multi = (torch.rand(2, 2, 3, 3, generator=g) > 0.5).float()
    dice = [
        loss_case("dice_softmax_onehot", DiceLoss(softmax=True, to_onehot_y=True), rn(2, 3, 4, 4), lab, softmax=True, to_onehot_y=True),
        loss_case("dice_sigmoid_multilabel", DiceLoss(sigmoid=True), rn(2, 2, 3, 3), multi, sigmoid=True),
        loss_case("dice_no_background_squared", DiceLoss(softmax=True, to_onehot_y=True, include_background=False, squared_pred=True),
                  rn(2, 3, 4, 4), lab, softmax=True, to_onehot_y=True, include_background=False, squared_pred=True),
        loss_case("dice_jaccard_batch", DiceLoss(sigmoid=True, jaccard=True, batch=True, smooth_nr=0.0, smooth_dr=1e-6),
                  rn(2, 2, 3, 3), multi, sigmoid=True, jaccard=True, batch=True, smooth_nr=0.0, smooth_dr=1e-6),
        loss_case("dice_none", DiceLoss(softmax=True, to_onehot_y=True, reduction="none"), rn(2, 3, 4, 4), lab,
                  softmax=True, to_onehot_y=True, reduction="none"),
        loss_case("dice_ce", DiceCELoss(softmax=True, to_onehot_y=True, lambda_dice=0.7, lambda_ce=1.3), rn(2, 3, 4, 4), lab,
                  softmax=True, to_onehot_y=True, lambda_dice=0.7, lambda_ce=1.3),
    ]
    write("training", "losses.json", {"cases": ce + bce + dice})


# ---------------------------------------------------------------------------------------------- parameter groups

class TinyVit(nn.Module):
    """Just the parameter names/shapes of a timm/MAE ViT (depth 3, dim 4) for the layer-decay grouping."""

    def __init__(self):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, 4))
        self.pos_embed = nn.Parameter(torch.zeros(1, 5, 4))
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(3, 4, 2, 2)
        self.blocks = nn.ModuleList()
        for _ in range(3):
            b = nn.Module()
            b.norm1 = nn.LayerNorm(4)
            b.attn = nn.Module()
            b.attn.qkv = nn.Linear(4, 12)
            b.attn.proj = nn.Linear(4, 4)
            b.norm2 = nn.LayerNorm(4)
            b.mlp = nn.Module()
            b.mlp.fc1 = nn.Linear(4, 8)
            b.mlp.fc2 = nn.Linear(8, 4)
            self.blocks.append(b)
        self.fc_norm = nn.LayerNorm(4)
        self.head = nn.Linear(4, 2)


def param_group_fixtures():
    sys.path.insert(0, ARGS.mae)
    from util.lr_decay import param_groups_lrd, get_layer_id_for_vit
    m = TinyVit()
    m.patch_embed.proj.bias.requires_grad_(False)  # frozen parameters are left out
    groups = param_groups_lrd(m, weight_decay=0.05, no_weight_decay_list={"pos_embed", "cls_token"}, layer_decay=0.75)
    names = {id(p): n for n, p in m.named_parameters()}
    out = []
    for grp in groups:
        first = names[id(grp["params"][0])]
        lid = get_layer_id_for_vit(first, len(m.blocks) + 1)
        out.append({"name": "layer_%d_%s" % (lid, "decay" if grp["weight_decay"] > 0 else "no_decay"),
                    "lr_scale": grp["lr_scale"], "weight_decay": grp["weight_decay"],
                    "params": [names[id(p)] for p in grp["params"]]})
    write("training", "param_groups.json", {
        "parameters": [[n, list(p.shape), p.requires_grad] for n, p in m.named_parameters()],
        "weight_decay": 0.05, "layer_decay": 0.75, "no_weight_decay": ["pos_embed", "cls_token"], "groups": out})


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--monai", default=os.environ.get("MONAI_SRC", ""), help="MONAI checkout (contains monai/)")
    ap.add_argument("--mae", default=os.environ.get("MAE_SRC", ""), help="MAE checkout (contains util/)")
    ARGS = ap.parse_args()
    if not ARGS.monai or not ARGS.mae:
        sys.exit("give --monai and --mae (or MONAI_SRC / MAE_SRC)")
    torch.manual_seed(0)
    layer_fixtures()
    optim_fixtures()
    schedule_fixtures()
    clip_fixtures()
    loss_fixtures()
    param_group_fixtures()
