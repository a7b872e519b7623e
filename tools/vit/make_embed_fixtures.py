"""Fixtures for `medfm embed`: PNG images, a preset file for the tiny MAE encoder of tests/Fixtures/vit/mae_tiny_pretrain.pth,
and the embeddings the reference computes for them.

The reference path is the one MAE users run: PIL.Image.open(f).convert("RGB"), the MAE eval transform at the tiny
size (torchvision Resize(36, bicubic), CenterCrop(32), ToTensor, Normalize(ImageNet mean/std)), and
MaskedAutoencoderViT.forward_encoder(x, mask_ratio=0)[0][:, 0] (the class-token embedding, which the encoder's
token shuffle leaves unchanged).

Writes tests/Fixtures/cli/embed/: images/*.png, mae_tiny.preset.json, expected.npy ([N, 24] float32, in sorted file
order), expected.csv (index,file) and bad/rgba_8x8.png (a 4-channel image).
Usage: TIMM_PATH=... MAE_PATH=... /usr/bin/python3 tools/vit/make_embed_fixtures.py  (run make_adapter_fixtures.py first)
"""
import json
import os
import sys
from functools import partial

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_adapter_fixtures as adapters  # noqa: E402
import make_preset_keys as refs  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fixtures")
OUT = os.path.join(ROOT, "cli", "embed")
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def images():
    rng = np.random.default_rng(500)
    yy, xx = np.mgrid[0:48, 0:40]
    smooth = np.stack([xx * 5, yy * 4, (xx + yy) * 3], -1) % 256
    rgb = np.clip(smooth + rng.normal(0, 20, smooth.shape), 0, 255).astype(np.uint8)
    grey = np.clip((yy.T * 5 + rng.normal(0, 30, yy.T.shape)), 0, 255).astype(np.uint8)
    big = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    return {"a_rgb_40x48.png": Image.fromarray(rgb, "RGB"), "b_grey_48x40.png": Image.fromarray(grey, "L"),
            "c_rgb_64x64.png": Image.fromarray(big, "RGB")}


def main():
    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    for name, im in images().items():
        im.save(os.path.join(OUT, "images", name))
    # bad input: an image with an alpha channel (4 channels, which the 3-channel encoders do not take)
    os.makedirs(os.path.join(OUT, "bad"), exist_ok=True)
    Image.fromarray(np.full((8, 8, 4), 200, np.uint8), "RGBA").save(os.path.join(OUT, "bad", "rgba_8x8.png"))
    models_mae, _, _ = refs.mae_modules()
    mae = models_mae.MaskedAutoencoderViT(**adapters.TINY, decoder_embed_dim=16, decoder_depth=1, decoder_num_heads=2,
                                          norm_layer=partial(torch.nn.LayerNorm, eps=1e-6)).eval()
    mae.load_state_dict(torch.load(os.path.join(ROOT, "vit", "mae_tiny_pretrain.pth"), map_location="cpu")["model"])
    t = transforms.Compose([transforms.Resize(36, interpolation=transforms.InterpolationMode.BICUBIC), transforms.CenterCrop(32),
                            transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    files = sorted(os.listdir(os.path.join(OUT, "images")))
    x = torch.stack([t(Image.open(os.path.join(OUT, "images", f)).convert("RGB")) for f in files])
    with torch.no_grad():
        emb = mae.forward_encoder(x, mask_ratio=0.0)[0][:, 0]
    np.save(os.path.join(OUT, "expected.npy"), emb.numpy().astype(np.float32))
    with open(os.path.join(OUT, "expected.csv"), "w") as f:
        f.write("index,file\n" + "".join(f"{i},{name}\n" for i, name in enumerate(files)))
    tiny = adapters.TINY
    preset = {
        "Name": "mae_tiny",
        "Config": {"ImgSize": tiny["img_size"], "PatchSize": tiny["patch_size"], "EmbedDim": tiny["embed_dim"], "Depth": tiny["depth"],
                   "NumHeads": tiny["num_heads"], "MlpRatio": tiny["mlp_ratio"], "NumClasses": 0},
        "Preprocessing": {"InputSize": 32, "ResizeSize": 36, "CenterCrop": True, "Interpolation": "bicubic", "Mean": list(MEAN), "Std": list(STD)},
        "Layout": "Mae",
        "Reference": "tools/vit/make_embed_fixtures.py (facebookresearch/mae MaskedAutoencoderViT at a tiny size)",
    }
    with open(os.path.join(OUT, "mae_tiny.preset.json"), "w") as f:
        json.dump(preset, f, indent=1)
    print(files, tuple(emb.shape))


if __name__ == "__main__":
    main()
