#!/usr/bin/python3
"""Golden fixtures for MedFM's image–text models from the reference open_clip implementation.

open_clip (github:mlfoundations/open_clip, tag v2.32.0, src/open_clip: model.py CLIP/CustomTextCLIP,
transformer.py VisionTransformer/TextTransformer, timm_model.py TimmModel, hf_model.py poolers,
zero_shot_classifier.py build_zero_shot_classifier, transform.py image_transform, tokenizer.py SimpleTokenizer)
runs with Debian's python3-torch, python3-torchvision and python3-regex, and timm (github:huggingface/
pytorch-image-models) from a checkout. ftfy and tqdm are not Debian packages: when missing, stand-in modules are
installed (ftfy.fix_text as the identity; the fixture texts are plain ASCII, which ftfy leaves unchanged). The BERT
text tower is `hf_bert_reference.py` beside this script (transformers is not installable here).

Writes tests/Fixtures/clip/:
  <case>.safetensors  weights under "w.<key>" (float16; the reference ran on the same rounded values), inputs and
                      outputs under "io.<name>" (per-block outputs of the first three inputs)
  <case>.json         the open_clip model config, texts, labels, templates, image files, state-dict keys + shapes
  clip_full_size.keys.json   state-dict keys and shapes of the full-size presets (ViT-B-16, ViT-B-32, ViT-L-14, BiomedCLIP)

Usage: OPEN_CLIP_SRC=<open_clip checkout>/src TIMM_PATH=<timm checkout> /usr/bin/python3 tools/clip/make_fixtures.py
"""
import functools
import gzip
import json
import math
import os
import sys
import tempfile
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(ROOT, "tests", "Fixtures", "clip")
sys.path.insert(0, os.environ.get("TIMM_PATH", ""))
sys.path.insert(0, os.environ.get("OPEN_CLIP_SRC", ""))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "tokenizers"))
sys.path.insert(0, HERE)


def _stand_in(name, **attrs):
    try:
        __import__(name)
    except ImportError:
        sys.modules[name] = types.SimpleNamespace(**attrs)


_stand_in("ftfy", fix_text=lambda text, **_: text)
_stand_in("tqdm", tqdm=lambda it=None, *a, **k: it)

import open_clip  # noqa: E402
from open_clip import hf_model, model as oc_model, timm_model  # noqa: E402
from open_clip.tokenizer import SimpleTokenizer  # noqa: E402
from open_clip.transform import image_transform  # noqa: E402
from open_clip.zero_shot_classifier import build_zero_shot_classifier  # noqa: E402
from PIL import Image  # noqa: E402

import bert_reference  # noqa: E402  (tools/tokenizers: the BERT WordPiece reference)
import hf_bert_reference as hfb  # noqa: E402
import safetensors_io  # noqa: E402

IMAGES = [".testdata/itk/BrainT1Slice.png", ".testdata/itk/BrainMidSagittalSlice.png", ".testdata/itk/VisibleWomanHeadSlice.png"]
LABELS = ["brain MRI", "chest x-ray", "retina photo", "skin lesion"]
TEMPLATES = ["a photo of {}.", "an image showing {}", "{}"]
LONG_TEXT = " ".join(["an axial slice of the brain with a small lesion near the left ventricle"] * 12)
SMALL_MERGES = os.path.join(ROOT, "tests", "Fixtures", "tokenizers", "clip_small_merges.txt")
BERT_VOCAB = os.path.join(ROOT, "tests", "Fixtures", "tokenizers", "bert_vocab.txt")

TINY_VISION = dict(image_size=32, layers=2, width=32, head_width=16, patch_size=8)
TINY_TEXT = dict(context_length=77, vocab_size=2515, width=32, heads=2, layers=2)
TINY_TIMM = dict(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2)
TINY_BERT = dict(vocab_size=837, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                 max_position_embeddings=64)


def randomize(model, seed, logit_scale):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "logit_scale":
                p.fill_(logit_scale)
            elif ("ln" in name or "norm" in name or "LayerNorm" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            p.copy_(p.half().float())  # weights are stored as float16: the reference runs on exactly those values


def small_clip_tokenizer():
    d = tempfile.mkdtemp()
    gz = os.path.join(d, "small.txt.gz")
    with gzip.open(gz, "wb") as f:
        f.write(open(SMALL_MERGES, "rb").read())
    return SimpleTokenizer(bpe_path=gz)


class BertTokenize:
    """open_clip HFTokenizer.__call__ for BiomedCLIP: 'whitespace' clean, then the BERT tokenizer, padded rows."""

    def __init__(self, context_length):
        vocab = {t: i for i, t in enumerate(open(BERT_VOCAB, encoding="utf-8").read().split("\n")[:-1])}
        self.tok = bert_reference.BertTokenizerReference(vocab)
        self.context_length = context_length

    def __call__(self, texts):
        rows = []
        for t in texts:
            t = " ".join(t.split()).strip()  # open_clip tokenizer.py _clean_whitespace
            row, _ = self.tok.encode_row(t, self.context_length)
            rows.append(row + [0] * (self.context_length - len(row)))
        return torch.tensor(rows, dtype=torch.long)


def load_images(size):
    preprocess = image_transform(size, is_train=False)
    return torch.stack([preprocess(Image.open(os.path.join(ROOT, p))) for p in IMAGES])


def hooks(blocks, io, prefix, rows=3):
    """Per-block outputs of the first `rows` inputs (enough to point at a layer, small enough to commit)."""
    return [b.register_forward_hook(lambda m, i, o, k=k: io.__setitem__(f"io.{prefix}.{k}", o[:rows].detach().clone()))
            for k, b in enumerate(blocks)]


def run_case(name, model, config, tokenizer, image_size, vision_blocks, text_blocks, texts):
    model.eval()
    io = {"io.images": load_images(image_size)}
    ids = tokenizer(texts)
    io["io.text_ids"] = ids
    hs = hooks(vision_blocks, io, "visual_block") + hooks(text_blocks, io, "text_block")
    with torch.no_grad():
        io["io.image_emb"] = model.encode_image(io["io.images"])
        io["io.text_emb"] = model.encode_text(ids)
    for h in hs:
        h.remove()
    with torch.no_grad():
        classifier = build_zero_shot_classifier(model, tokenizer, LABELS, TEMPLATES, num_classes_per_batch=None)
        image_features = model.encode_image(io["io.images"], normalize=True)
        logits = model.logit_scale.exp() * image_features @ classifier
    io["io.zs_classifier"] = classifier
    io["io.zs_probs"] = logits.softmax(dim=-1)
    tensors = {f"w.{k}": v.half() for k, v in model.state_dict().items()}
    tensors.update(io)
    safetensors_io.save(os.path.join(OUT, f"{name}.safetensors"), tensors)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump({"open_clip_config": config, "texts": texts, "labels": LABELS, "templates": TEMPLATES,
                   "images": IMAGES, "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()]}, f, indent=1)
    _print_io(name, io)
    return model


def save_training_checkpoint(model, name):
    """An open_clip training checkpoint as its train script saves it: {"epoch", "name", "state_dict"} with the
    DataParallel "module." prefix, weights in float16."""
    sd = {"module." + k: v.half() for k, v in model.state_dict().items()}
    torch.save({"epoch": 3, "name": name, "state_dict": sd}, os.path.join(OUT, f"{name}.pt"))


def _print_io(name, io):
    print(name, {k: tuple(v.shape) for k, v in io.items() if not k.startswith("io.visual_block") and not k.startswith("io.text_block")})


def clip_case(name, seed, quick_gelu, custom_text):
    config = dict(embed_dim=16, quick_gelu=quick_gelu, vision_cfg=TINY_VISION, text_cfg=TINY_TEXT)
    if custom_text:
        config["custom_text"] = True
        model = oc_model.CustomTextCLIP(16, TINY_VISION, TINY_TEXT, quick_gelu=quick_gelu)
        text_blocks = model.text.transformer.resblocks
    else:
        model = oc_model.CLIP(16, TINY_VISION, TINY_TEXT, quick_gelu=quick_gelu)
        text_blocks = model.transformer.resblocks
    torch.manual_seed(seed)
    randomize(model, seed, logit_scale=4.0)
    texts = [t.format(label) for label in LABELS for t in TEMPLATES] + [LONG_TEXT, ""]
    run_case(name, model, config, small_clip_tokenizer(), 32, model.visual.transformer.resblocks, text_blocks, texts)
    if not custom_text:
        save_training_checkpoint(model, name + "_openclip")


def tiny_timm_create(real):
    return functools.partial(real, **TINY_TIMM)


def biomedclip_model(embed_dim, vision_kwargs, bert_overrides, context_length):
    real = timm_model.timm.create_model
    if vision_kwargs:
        timm_model.timm.create_model = functools.partial(real, **vision_kwargs)
    try:
        model = oc_model.CustomTextCLIP(embed_dim, dict(timm_model_name="vit_base_patch16_224", timm_pool="",
                                                        timm_proj="linear", image_size=vision_kwargs.get("img_size", 224)),
                                        dict(context_length=context_length, vocab_size=8, width=8, heads=1, layers=1))
    finally:
        timm_model.timm.create_model = real
    model.text = hfb.HFTextEncoderMirror(hfb.bert_config(**bert_overrides), embed_dim, hf_model.ClsLastHiddenStatePooler)
    return model


def biomedclip_case(name, seed):
    model = biomedclip_model(16, TINY_TIMM, TINY_BERT, 64)
    torch.manual_seed(seed)
    randomize(model, seed, logit_scale=3.0)
    config = {"model_cfg": {"embed_dim": 16,
                            "vision_cfg": {"timm_model_name": "vit_base_patch16_224", "timm_model_pretrained": False,
                                           "timm_pool": "", "timm_proj": "linear", "image_size": 32,
                                           "timm_model_kwargs": TINY_TIMM},
                            "text_cfg": {"hf_model_name": "medfm/tiny-bert", "hf_tokenizer_name": "medfm/tiny-bert",
                                         "hf_proj_type": "mlp", "hf_pooler_type": "cls_last_hidden_state_pooler",
                                         "context_length": 64, "hf_model_config": TINY_BERT}},
              "preprocess_cfg": {"mean": list(open_clip.OPENAI_DATASET_MEAN), "std": list(open_clip.OPENAI_DATASET_STD)}}
    texts = [t.format(label) for label in LABELS for t in TEMPLATES] + [LONG_TEXT, ""]
    run_case(name, model, config, BertTokenize(64), 32, model.visual.trunk.blocks,
             model.text.transformer.encoder.layer, texts)
    save_training_checkpoint(model, name + "_openclip")


def full_size_keys():
    keys = {}
    for name in ("ViT-B-16", "ViT-B-32", "ViT-L-14"):
        m = open_clip.create_model(name)
        keys[name] = [[k, list(v.shape)] for k, v in m.state_dict().items()]
        del m
    m = biomedclip_model(512, {}, {}, 256)
    keys["biomedclip"] = [[k, list(v.shape)] for k, v in m.state_dict().items()]
    with open(os.path.join(OUT, "clip_full_size.keys.json"), "w") as f:
        json.dump(keys, f, separators=(",", ":"))
    print({k: len(v) for k, v in keys.items()})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    clip_case("clip_tiny_quickgelu", 300, quick_gelu=True, custom_text=False)
    clip_case("clip_tiny_gelu_custom_text", 301, quick_gelu=False, custom_text=True)
    biomedclip_case("biomedclip_tiny", 302)
    full_size_keys()
