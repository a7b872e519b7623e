"""State-dict key lists of tiny models built with each family's reference code, for the checkpoint inspector's
family detection (tests/Fixtures/checkpoints/family_keys.json). Only key names are recorded, no weights.

Usage (each path is a checkout of the named repository; Debian's python3-torch 1.13 and torchvision):
  SAM_PATH=<facebookresearch/segment-anything> MAE_PATH=<facebookresearch/mae> TIMM_PATH=<huggingface/pytorch-image-models>
  DINOV2_PATH=<facebookresearch/dinov2> OPEN_CLIP_PATH=<mlfoundations/open_clip> /usr/bin/python3 tools/checkpoints/make_family_keys.py

open_clip is loaded module by module (its package __init__ needs PyTorch 2). BiomedCLIP's Hugging Face text tower
needs the transformers package, which is not installed here: that family is covered by hand-written keys in the test.
"""
import json
import os
import sys
import types

import torch.nn as nn
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fixtures", "checkpoints", "family_keys.json")


def sam():
    sys.path.insert(0, os.environ["SAM_PATH"])
    from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, Sam, TwoWayTransformer
    enc = ImageEncoderViT(img_size=32, patch_size=16, embed_dim=16, depth=1, num_heads=2, out_chans=8, global_attn_indexes=())
    prompt = PromptEncoder(embed_dim=8, image_embedding_size=(2, 2), input_image_size=(32, 32), mask_in_chans=4)
    dec = MaskDecoder(transformer_dim=8, transformer=TwoWayTransformer(depth=1, embedding_dim=8, mlp_dim=16, num_heads=2),
                      iou_head_hidden_dim=8)
    return Sam(enc, prompt, dec)


def mae():
    sys.path.insert(0, os.environ["TIMM_PATH"])
    sys.path.insert(0, os.environ["MAE_PATH"])
    import timm.models.vision_transformer as tv

    class Block(tv.Block):  # models_mae.py targets timm 0.3.2, whose Block took qk_scale
        def __init__(self, *args, qk_scale=None, **kwargs):
            super().__init__(*args, **kwargs)

    tv.Block = Block
    import numpy as np
    if not hasattr(np, "float"):
        np.float = float  # util/pos_embed.py predates NumPy 1.24's removal of np.float
    import models_mae
    return models_mae.MaskedAutoencoderViT(img_size=32, patch_size=16, embed_dim=16, depth=1, num_heads=2,
                                           decoder_embed_dim=8, decoder_depth=1, decoder_num_heads=2)


def dinov2():
    sys.path.insert(0, os.environ["DINOV2_PATH"])
    from dinov2.models.vision_transformer import DinoVisionTransformer
    return DinoVisionTransformer(img_size=28, patch_size=14, embed_dim=16, depth=1, num_heads=2, init_values=1e-5, block_chunks=0)


def openai_clip(resnet):
    pkg = types.ModuleType("open_clip")
    pkg.__path__ = [os.path.join(os.environ["OPEN_CLIP_PATH"], "src", "open_clip")]
    sys.modules.setdefault("open_clip", pkg)
    from open_clip.model import CLIP, CLIPTextCfg, CLIPVisionCfg
    vision = CLIPVisionCfg(layers=(1, 1, 1, 1), width=8, image_size=32) if resnet else \
        CLIPVisionCfg(layers=1, width=16, head_width=8, patch_size=16, image_size=32)
    return CLIP(embed_dim=8, vision_cfg=vision, text_cfg=CLIPTextCfg(context_length=8, vocab_size=50, width=16, heads=2, layers=1))


def main():
    models = {
        "Sam": sam(),
        "Mae": mae(),
        "TimmVit": __import__("timm").models.vision_transformer.VisionTransformer(
            img_size=32, patch_size=16, embed_dim=16, depth=1, num_heads=2, num_classes=3),
        "DinoV2": dinov2(),
        "OpenAiClip": openai_clip(resnet=False),
        "OpenAiClipResNet": openai_clip(resnet=True),
        "TorchvisionResNet": torchvision.models.resnet18(),
    }
    keys = {name: list(m.state_dict().keys()) for name, m in models.items()}
    assert all(isinstance(m, nn.Module) for m in models.values())
    with open(OUT, "w") as f:
        json.dump(keys, f, indent=0)


if __name__ == "__main__":
    main()
