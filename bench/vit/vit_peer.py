"""PyTorch side of the ViT benchmark (bench/MedFM.Bench.Vit).

Builds timm's vit_base_patch16_224 (no pretrained weights) with seeded random weights, writes them as safetensors and
seeded inputs [B, 3, 224, 224] for each batch size as .npy, times the forward pass (logits) per batch size, and saves
the logits and pooled features of each for the parity check. Optionally exports the model to ONNX (dynamic batch) for
the ONNX Runtime peer.

Usage: TIMM_PATH=<pytorch-image-models checkout> python3 vit_peer.py OUT_DIR THREADS REPEATS BATCH[,BATCH...] [--onnx]
Prints one JSON line: torch version, threads, times per batch size, peak RSS.
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
    out, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    batches = [int(b) for b in sys.argv[4].split(",")]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = timm.create_model("vit_base_patch16_224", pretrained=False).eval()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(("cls_token", "pos_embed")) or name.endswith("bias"):
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
    safetensors_io.save(os.path.join(out, "vit_base_seeded.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()})
    times = {}
    with torch.no_grad():
        for b in batches:
            x = torch.randn(b, 3, 224, 224, generator=g)
            np.save(os.path.join(out, f"input_b{b}.npy"), x.numpy())
            logits = model(x)                           # warm-up
            ts = []
            for _ in range(repeats):
                t = time.perf_counter()
                logits = model(x)
                ts.append(time.perf_counter() - t)
            times[str(b)] = ts
            np.save(os.path.join(out, f"logits_b{b}.npy"), logits.numpy())
            np.save(os.path.join(out, f"pooled_b{b}.npy"), model.forward_head(model.forward_features(x), pre_logits=True).numpy())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if "--onnx" in sys.argv:
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), os.path.join(out, "vit_base.onnx"), input_names=["image"],
                          output_names=["logits"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=14)
    print(json.dumps({"torch": torch.__version__, "timm": timm.__version__, "threads": torch.get_num_threads(), "times_s": times,
                      "peak_rss_bytes": peak}))


if __name__ == "__main__":
    main()
