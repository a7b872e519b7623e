"""PyTorch side of the SAM benchmark (bench/MedFM.Bench.Models `sam`).

Builds the reference SAM ViT-B (segment_anything.build_sam.build_sam_vit_b, no checkpoint) with seeded random
weights (the zero-initialised position and relative-position tables included, so they matter), writes the weights
as safetensors and a seeded input image [1, 3, 1024, 1024] as .npy, then times the image encoder and one box
prompt through the prompt encoder and mask decoder, and saves their outputs for the parity check. Optionally exports
the encoder to ONNX for the ONNX Runtime peer.

Usage: SAM_PATH=<segment-anything checkout> python3 sam_peer.py OUT_DIR THREADS REPEATS [--onnx]
Prints one JSON line: torch version, threads, encoder times, prompt times, peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.environ.get("SAM_PATH", ""))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "common"))
from segment_anything.build_sam import build_sam_vit_b  # noqa: E402
import safetensors_io  # noqa: E402

BOX = [180.0, 240.0, 620.0, 700.0]


def main():
    out, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    onnx = "--onnx" in sys.argv
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    sam = build_sam_vit_b(checkpoint=None).eval()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in sam.named_parameters():
            if name.endswith("pos_embed") or "rel_pos" in name:
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
    safetensors_io.save(os.path.join(out, "sam_vit_b_seeded.safetensors"),
                        {k: v.contiguous() for k, v in sam.state_dict().items()})
    x = torch.randn(1, 3, 1024, 1024, generator=g)
    np.save(os.path.join(out, "input.npy"), x.numpy())

    enc_times = []
    with torch.no_grad():
        emb = sam.image_encoder(x)                      # warm-up
        for _ in range(repeats):
            t = time.perf_counter()
            emb = sam.image_encoder(x)
            enc_times.append(time.perf_counter() - t)
        np.save(os.path.join(out, "embedding.npy"), emb.numpy())
        box = torch.tensor([BOX])
        prompt_times = []
        for i in range(21):
            t = time.perf_counter()
            sparse, dense = sam.prompt_encoder(points=None, boxes=box, masks=None)
            low, iou = sam.mask_decoder(image_embeddings=emb, image_pe=sam.prompt_encoder.get_dense_pe(),
                                        sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense,
                                        multimask_output=False)
            if i > 0:
                prompt_times.append(time.perf_counter() - t)
        np.save(os.path.join(out, "lowres.npy"), low.numpy())
        np.save(os.path.join(out, "iou.npy"), iou.numpy())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if onnx:
        torch.onnx.export(sam.image_encoder, x, os.path.join(out, "sam_vit_b_encoder.onnx"), input_names=["image"],
                          output_names=["embedding"], opset_version=17)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "encoder_s": enc_times,
                      "prompt_s": prompt_times, "peak_rss_bytes": peak, "box": BOX}))


if __name__ == "__main__":
    main()
