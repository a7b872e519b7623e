"""PyTorch side of the image–text benchmark (bench/MedFM.Bench.Clip).

Builds open_clip's ViT-B-16 (no pretrained weights; open_clip's own seeded initialisation), writes its weights as
safetensors, seeded images [B_img, 3, 224, 224] and token ids [B_txt, CONTEXT] (start token, random ids, end token at
a random position, zero padding) as .npy, times encode_image and encode_text, and saves their outputs for the parity
check.

With BERT_CONTEXT > 0 it also builds BiomedCLIP's text tower (PubMedBERT-base through tools/clip/hf_bert_reference.py,
open_clip's HFTextEncoder with first-token pooling and the MLP projection to 512) with PyTorch's default initialisation,
and times it on TEXT_BATCH rows of BERT_CONTEXT ids ([CLS], random ids, [SEP] at a random position, [PAD] = 0).

With --onnx it then exports each tower for the ONNX Runtime peer with the benchmark's fixed shapes (opset 17):
clip_image.onnx (encode_image, float input "image" [IMAGE_BATCH, 3, 224, 224]), clip_text.onnx (encode_text, int64
input "ids" [TEXT_BATCH, CONTEXT]) and, with BERT_CONTEXT > 0, bert_text.onnx (int64 "ids" [TEXT_BATCH, BERT_CONTEXT]).
The exports run after the timings and the peak-RSS reading (and outside no_grad, which keeps nn.MultiheadAttention
off its fused fast path, which has no ONNX symbolic). A failed export is named in "onnx_errors" and on stderr.

Usage: OPEN_CLIP_SRC=<open_clip checkout>/src TIMM_PATH=<timm checkout> python3 clip_peer.py OUT_DIR THREADS REPEATS
       IMAGE_BATCH TEXT_BATCH CONTEXT BERT_CONTEXT [--onnx]
Prints one JSON line: torch version, threads, image and text times, peak RSS, and with --onnx the exported files
("onnx": tower -> file name) and failed exports ("onnx_errors": tower -> error).
"""
import json
import os
import resource
import sys
import time
import types

import numpy as np
import torch

sys.path.insert(0, os.environ.get("TIMM_PATH", ""))
sys.path.insert(0, os.environ.get("OPEN_CLIP_SRC", ""))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "common"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "clip"))
for name, attrs in (("ftfy", {"fix_text": lambda t, **_: t}), ("tqdm", {"tqdm": lambda it=None, *a, **k: it})):
    try:
        __import__(name)
    except ImportError:
        sys.modules[name] = types.SimpleNamespace(**attrs)
import open_clip  # noqa: E402
import safetensors_io  # noqa: E402
import hf_bert_reference as hfb  # noqa: E402
from open_clip.hf_model import ClsLastHiddenStatePooler  # noqa: E402


def timed(fn, repeats):
    out = fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return out, ts


class Tower(torch.nn.Module):
    """One encoder method of a model as a module's forward, for torch.onnx.export."""

    def __init__(self, model, method):
        super().__init__()
        self.model, self.method = model, method

    def forward(self, x):
        return getattr(self.model, self.method)(x)


def export(module, example, out, file, input_name, tower, result):
    try:
        torch.onnx.export(module, (example,), os.path.join(out, file), input_names=[input_name], output_names=["embedding"],
                          opset_version=17, do_constant_folding=True)
        result.setdefault("onnx", {})[tower] = file
    except Exception as e:  # reported, not hidden: the C# side prints it in place of the ONNX Runtime time
        message = f"{type(e).__name__}: {e}".strip().splitlines()
        result.setdefault("onnx_errors", {})[tower] = " / ".join(line.strip() for line in message if line.strip())[:2000]
        print(f"ONNX export of the {tower} tower failed: {e}", file=sys.stderr)


def main():
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    onnx = "--onnx" in sys.argv
    out, threads, repeats = argv[0], int(argv[1]), int(argv[2])
    b_img, b_txt, context = int(argv[3]), int(argv[4]), int(argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = open_clip.create_model("ViT-B-16").eval()
    safetensors_io.save(os.path.join(out, "clip_vit_b16_seeded.safetensors"), {k: v.contiguous() for k, v in model.state_dict().items()})
    g = torch.Generator().manual_seed(1)
    images = torch.randn(b_img, 3, 224, 224, generator=g)
    ids = torch.zeros(b_txt, context, dtype=torch.long)
    for r in range(b_txt):
        n = int(torch.randint(1, context - 1, (1,), generator=g))
        ids[r, 0] = 49406
        ids[r, 1:n] = torch.randint(0, 49405, (n - 1,), generator=g)
        ids[r, n] = 49407
    np.save(os.path.join(out, "images.npy"), images.numpy())
    np.save(os.path.join(out, "ids.npy"), ids.numpy())
    with torch.no_grad():
        image_emb, t_img = timed(lambda: model.encode_image(images), repeats)
        text_emb, t_txt = timed(lambda: model.encode_text(ids), repeats)
    np.save(os.path.join(out, "image_emb.npy"), image_emb.numpy())
    np.save(os.path.join(out, "text_emb.npy"), text_emb.numpy())
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "image_s": t_img, "text_s": t_txt}
    bert_context = int(argv[6]) if len(argv) > 6 else 0
    bert = None
    if bert_context > 0:
        result["bert_s"], bert, bert_ids = bert_tower(out, repeats, b_txt, bert_context, g)
    result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if onnx:
        export(Tower(model, "encode_image"), images, out, "clip_image.onnx", "image", "image", result)
        export(Tower(model, "encode_text"), ids, out, "clip_text.onnx", "ids", "text", result)
        if bert is not None:
            export(bert, bert_ids, out, "bert_text.onnx", "ids", "bert", result)
    print(json.dumps(result))


def bert_tower(out, repeats, batch, context, g):
    text = hfb.HFTextEncoderMirror(hfb.bert_config(), 512, ClsLastHiddenStatePooler).eval()
    safetensors_io.save(os.path.join(out, "bert_text_seeded.safetensors"), {k: v.contiguous() for k, v in text.state_dict().items()})
    ids = torch.zeros(batch, context, dtype=torch.long)
    for r in range(batch):
        n = int(torch.randint(1, context - 1, (1,), generator=g))
        ids[r, 0] = 2
        ids[r, 1:n] = torch.randint(5, 30522, (n - 1,), generator=g)
        ids[r, n] = 3
    np.save(os.path.join(out, "bert_ids.npy"), ids.numpy())
    with torch.no_grad():
        emb, ts = timed(lambda: text(ids), repeats)
    np.save(os.path.join(out, "bert_emb.npy"), emb.numpy())
    return ts, text, ids


if __name__ == "__main__":
    main()
