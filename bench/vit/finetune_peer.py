"""PyTorch side of the fine-tune benchmark (bench/MedFM.Bench.FineTune).

Builds timm's vit_tiny_patch16_224 (1000-class head, no pretrained weights) with seeded random weights and writes
them as safetensors, with a seeded batch of images [B, 3, 224, 224] and labels [B]. Then runs supervised fine-tune
steps in train mode (forward, cross-entropy, backward, AdamW lr 1e-4 weight decay 0.05) on that batch, timing each
after WARMUP untimed steps, and records the loss of every step (from the same starting weights) for the parity check.

Usage: TIMM_PATH=<pytorch-image-models checkout> python3 finetune_peer.py OUT_DIR THREADS STEPS BATCH WARMUP
Prints one JSON line: torch and timm versions, threads, step times, losses, peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.environ.get("TIMM_PATH", ""))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "common"))
import timm  # noqa: E402
import safetensors_io  # noqa: E402


def main():
    out, threads, steps, batch, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = timm.create_model("vit_tiny_patch16_224", pretrained=False)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(("cls_token", "pos_embed")) or name.endswith("bias"):
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
    safetensors_io.save(os.path.join(out, "vit_tiny_seeded.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()})
    x = torch.randn(batch, 3, 224, 224, generator=g)
    y = torch.randint(0, 1000, (batch,), generator=g)
    np.save(os.path.join(out, "images.npy"), x.numpy())
    np.save(os.path.join(out, "labels.npy"), y.numpy())
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    loss_fn = torch.nn.CrossEntropyLoss()
    times, losses = [], []
    for i in range(warmup + steps):
        t = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - t)
        losses.append(loss.item())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"torch": torch.__version__, "timm": timm.__version__, "threads": torch.get_num_threads(), "times_s": times,
                      "losses": losses, "peak_rss_bytes": peak}))


if __name__ == "__main__":
    main()
