"""Golden fixtures for MedFM's VisionTransformer from the reference timm implementation.

Builds tiny timm ViTs covering each preset family (class token, register tokens, LayerScale, global average pool
with fc_norm, no_embed_class, dynamic image size with bicubic position-embedding resampling), sets every parameter
to seeded random values (so no term is trivially zero or one), runs a seeded input and records the output and the
per-block intermediates.

Usage: TIMM_PATH=<checkout of github.com/huggingface/pytorch-image-models> /usr/bin/python3 tools/vit/make_fixtures.py
Writes tests/Fixtures/vit/<name>.safetensors (weights under "w.<key>", tensors under "io.<name>") and <name>.json.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.environ.get("TIMM_PATH", ""))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
from timm.models.vision_transformer import VisionTransformer  # noqa: E402
import safetensors_io  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Fixtures", "vit")

BASE = dict(img_size=32, patch_size=8, embed_dim=24, depth=2, num_heads=2, mlp_ratio=2.0, qkv_bias=True, num_classes=5)
CASES = {
    "vit_token": (dict(), (2, 3, 32, 32)),
    "vit_avg_fcnorm": (dict(global_pool="avg", fc_norm=True), (2, 3, 32, 32)),
    "vit_registers": (dict(reg_tokens=2), (1, 3, 32, 32)),
    "vit_layerscale_noembedclass": (dict(init_values=1e-5, reg_tokens=4, no_embed_class=True, patch_size=7, img_size=14), (1, 3, 14, 14)),
    "vit_dynamic_size": (dict(init_values=1e-5, dynamic_img_size=True, patch_size=7, img_size=14), (1, 3, 21, 28)),
    "vit_no_head": (dict(num_classes=0, qkv_bias=False), (1, 3, 32, 32)),
}


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("gamma"):
                p.copy_(0.5 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))


def run(name, extra, input_shape, seed):
    cfg = dict(BASE, **extra)
    torch.manual_seed(seed)
    model = VisionTransformer(**cfg).eval()
    randomize(model, seed)
    x = torch.randn(input_shape, generator=torch.Generator().manual_seed(seed + 1))
    io = {"io.input": x}
    hooks = [blk.register_forward_hook(lambda m, i, o, k=k: io.__setitem__(f"io.block.{k}", o.detach().clone()))
             for k, blk in enumerate(model.blocks)]
    with torch.no_grad():
        tokens = model.forward_features(x)
        pooled = model.forward_head(tokens, pre_logits=True)
        logits = model.forward_head(tokens)
    for h in hooks:
        h.remove()
    io.update({"io.tokens": tokens, "io.pooled": pooled, "io.logits": logits})
    tensors = {f"w.{k}": v for k, v in model.state_dict().items()}
    tensors.update(io)
    os.makedirs(OUT, exist_ok=True)
    safetensors_io.save(os.path.join(OUT, f"{name}.safetensors"), tensors)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump({"timm_kwargs": cfg, "input_shape": list(input_shape), "seed": seed,
                   "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()]}, f, indent=1)
    print(name, tuple(logits.shape), sum(v.numel() for v in model.state_dict().values()), "params")


if __name__ == "__main__":
    for i, (name, (extra, shape)) in enumerate(CASES.items()):
        run(name, extra, shape, 100 + i)
