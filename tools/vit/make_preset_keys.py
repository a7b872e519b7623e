"""Full-size key lists and eval transforms of MedFM's ViT presets, from the reference implementations.

For every preset in src/MedFM.Models/Vit/VitPresets.cs this records, without any pretrained weights:
  model_keys       the state-dict keys and shapes of the reference model the preset ports
  checkpoint_keys  the keys and shapes of the file its authors publish (MAE pre-training model with decoder,
                   DINOv2's own DinoVisionTransformer with mask_token), where that differs from model_keys
  transform        the reference eval transform: Resize size and interpolation, CenterCrop size, Normalize mean/std

Usage (each path a checkout of the named repository; Debian's python3-torch 1.13 and python3-torchvision):
  TIMM_PATH=<huggingface/pytorch-image-models> MAE_PATH=<facebookresearch/mae> RETFOUND_PATH=<rmaphoh/RETFound_MAE>
  DINOV2_PATH=<facebookresearch/dinov2> UNI_PATH=<mahmoodlab/UNI> /usr/bin/python3 tools/vit/make_preset_keys.py
Writes tests/Fixtures/vit/vit_presets.keys.json.
"""
import importlib.util
import json
import os
import sys
from functools import partial

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.environ["TIMM_PATH"])
import timm  # noqa: E402
import timm.models.vision_transformer as tv  # noqa: E402
from timm.data import create_transform, resolve_data_config  # noqa: E402
from torchvision import transforms  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fixtures", "vit", "vit_presets.keys.json")
IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))


def load_functions(path, names, **env):
    """Only the named top-level functions of a file (its package imports need the whole repository installed)."""
    import ast
    tree = ast.parse(open(path).read())
    code = ast.Module([n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names], type_ignores=[])
    scope = dict(env)
    exec(compile(code, path, "exec"), scope)
    return scope


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def keys(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def describe(transform):
    """The eval transform's parameters, step by step."""
    out = {"resize": None, "interpolation": None, "crop": None, "mean": None, "std": None}
    for t in transform.transforms:
        if isinstance(t, transforms.Resize):
            assert isinstance(t.size, int) or len(t.size) == 1, t
            out["resize"] = t.size if isinstance(t.size, int) else t.size[0]
            out["interpolation"] = t.interpolation.value
        elif isinstance(t, transforms.CenterCrop):
            out["crop"] = list(t.size)
        elif isinstance(t, transforms.Normalize):
            out["mean"] = [float(x) for x in torch.as_tensor(t.mean, dtype=torch.float64)]
            out["std"] = [float(x) for x in torch.as_tensor(t.std, dtype=torch.float64)]
    return out


def timm_entry(name, **kwargs):
    model = timm.create_model(name, pretrained=False, **kwargs)
    entry = {"model_keys": keys(model), "transform": describe(create_transform(**resolve_data_config({}, model=model)))}
    del model
    return entry


def mae_modules():
    class Block(tv.Block):  # models_mae.py targets timm 0.3.2, whose Block took qk_scale
        def __init__(self, *args, qk_scale=None, **kwargs):
            super().__init__(*args, **kwargs)

    tv.Block = Block
    if not hasattr(np, "float"):
        np.float = float  # util/pos_embed.py predates NumPy 1.24's removal of np.float
    sys.path.insert(0, os.environ["MAE_PATH"])
    import models_mae
    import models_vit
    from util.datasets import build_transform
    return models_mae, models_vit, build_transform


def main():
    torch.set_num_threads(1)
    presets = {}
    for size in ("tiny", "small", "base", "large"):
        presets[f"vit_{size}_patch16_224"] = timm_entry(f"vit_{size}_patch16_224")
    for size in ("small", "base", "large"):
        presets[f"vit_{size}_patch14_dinov2"] = timm_entry(f"vit_{size}_patch14_dinov2")

    uni = load_functions(os.path.join(os.environ["UNI_PATH"], "uni", "get_encoder", "get_encoder.py"),
                         ("get_norm_constants", "get_eval_transforms"), transforms=transforms)
    presets["uni"] = timm_entry("vit_large_patch16_224", img_size=224, patch_size=16, init_values=1e-5, num_classes=0, dynamic_img_size=True)
    presets["uni"]["transform"] = describe(uni["get_eval_transforms"]("imagenet", 224, True))

    models_mae, models_vit, build_transform = mae_modules()
    mae_eval = describe(build_transform(False, type("Args", (), {"input_size": 224})()))
    for size, width in (("base", 768), ("large", 1024)):
        pretrain = getattr(models_mae, f"mae_vit_{size}_patch16_dec512d8b")()
        encoder = timm.create_model(f"vit_{size}_patch16_224.mae", pretrained=False)
        presets[f"mae_vit_{size}_patch16"] = {"model_keys": keys(encoder), "checkpoint_keys": keys(pretrain), "transform": mae_eval}
        del encoder
        finetuned = getattr(models_vit, f"vit_{size}_patch16")(global_pool=True, num_classes=1000)
        presets[f"mae_vit_{size}_patch16_finetuned"] = {"model_keys": keys(finetuned), "transform": mae_eval}
        del finetuned
        if size == "large":
            # RETFound's released RETFound_cfp_weights.pth is this MAE pre-training layout under "model".
            retfound_vit = load_module("retfound_models_vit", os.path.join(os.environ["RETFOUND_PATH"], "models_vit.py"))
            retfound = retfound_vit.RETFound_mae(img_size=224, num_classes=0, drop_path_rate=0, global_pool=True)
            presets["retfound"] = {"model_keys": keys(retfound), "checkpoint_keys": keys(pretrain), "transform": mae_eval}
            del retfound
        del pretrain

    sys.path.insert(0, os.environ["DINOV2_PATH"])
    from dinov2.models import vision_transformer as dino_vits
    for size, arch in (("small", "vit_small"), ("base", "vit_base"), ("large", "vit_large")):
        # dinov2/hub/backbones.py _make_dinov2_model: the published pretrain files.
        dino = getattr(dino_vits, arch)(img_size=518, patch_size=14, init_values=1.0, ffn_layer="mlp", block_chunks=0)
        presets[f"vit_{size}_patch14_dinov2"]["checkpoint_keys"] = keys(dino)
        del dino

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(presets, f, separators=(",", ":"))
        f.write("\n")
    for name, entry in presets.items():
        print(name, len(entry["model_keys"]), "keys", entry["transform"])


if __name__ == "__main__":
    main()
