"""Tiny checkpoints in the layouts their authors publish, with the reference embeddings, for MedFM's ViT
checkpoint adapters (src/MedFM.Models/Vit/VitCheckpointAdapter.cs).

  mae_tiny_pretrain.pth   facebookresearch/mae MaskedAutoencoderViT (encoder + decoder + mask_token) saved as
                          main_pretrain.py does: {"model": state_dict, "epoch": ..., "args": ...}, torch zip format
  dinov2_tiny.pth         facebookresearch/dinov2 DinoVisionTransformer state dict (flat, with mask_token)
  vit_adapters.safetensors / .json
      io.input            the image batch
      io.mae_cls          MAE encoder class-token embedding: forward_encoder(x, mask_ratio=0)[0][:, 0] (the class token
                          is invariant to the encoder's token shuffle)
      io.retfound         RETFound_MAE models_vit.RETFound_mae(global_pool=True) loaded from the same file as
                          rmaphoh/RETFound_MAE does (checkpoint["model"], strict=False), forward_features squeezed
      io.dinov2_input / io.dinov2_cls   DINOv2 x_norm_clstoken at its trained size

Usage: TIMM_PATH=... MAE_PATH=... RETFOUND_PATH=... DINOV2_PATH=... /usr/bin/python3 tools/vit/make_adapter_fixtures.py
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import make_preset_keys as refs  # noqa: E402  (sets up timm and the MAE modules the same way)
import safetensors_io  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fixtures", "vit")
TINY = dict(img_size=32, patch_size=8, embed_dim=24, depth=2, num_heads=2, mlp_ratio=2.0)


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
        for name, b in model.named_buffers():
            b.copy_(0.2 * torch.randn(b.shape, generator=g))


def mae_cases(io):
    models_mae, _, _ = refs.mae_modules()
    from functools import partial
    mae = models_mae.MaskedAutoencoderViT(**TINY, decoder_embed_dim=16, decoder_depth=1, decoder_num_heads=2,
                                          norm_layer=partial(torch.nn.LayerNorm, eps=1e-6)).eval()
    randomize(mae, 300)
    path = os.path.join(OUT, "mae_tiny_pretrain.pth")
    torch.save({"model": mae.state_dict(), "epoch": 399, "args": {"mask_ratio": 0.75, "norm_pix_loss": True}}, path)
    x = io["io.input"]
    with torch.no_grad():
        latent, _, _ = mae.forward_encoder(x, mask_ratio=0.0)
    io["io.mae_cls"] = latent[:, 0].clone()

    retfound_vit = refs.load_module("retfound_models_vit", os.path.join(os.environ["RETFOUND_PATH"], "models_vit.py"))
    retfound = retfound_vit.VisionTransformer(global_pool=True, num_classes=5, qkv_bias=True,
                                              norm_layer=partial(torch.nn.LayerNorm, eps=1e-6), **TINY).eval()
    checkpoint = torch.load(path, map_location="cpu")
    msg = retfound.load_state_dict(checkpoint["model"], strict=False)
    assert set(msg.missing_keys) == {"head.weight", "head.bias", "fc_norm.weight", "fc_norm.bias"}, msg
    with torch.no_grad():
        io["io.retfound"] = torch.squeeze(retfound.forward_features(x), 1).clone()
    return {"mae_tiny_pretrain.pth": [[k, list(v.shape)] for k, v in mae.state_dict().items()]}


def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    """torch 2's F.scaled_dot_product_attention, composed (the DINOv2 code calls it; python3-torch is 1.13)."""
    assert attn_mask is None and dropout_p == 0.0 and not is_causal
    return torch.softmax(q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5, dim=-1) @ v


def dinov2_case(io):
    if not hasattr(torch.nn.functional, "scaled_dot_product_attention"):
        torch.nn.functional.scaled_dot_product_attention = sdpa
    sys.path.insert(0, os.environ["DINOV2_PATH"])
    # the published models' classes (dinov2/hub/backbones.py _make_dinov2_model) at a tiny width
    from dinov2.models.vision_transformer import DinoVisionTransformer, Block, MemEffAttention
    from functools import partial
    dino = DinoVisionTransformer(img_size=28, patch_size=14, embed_dim=24, depth=2, num_heads=2, mlp_ratio=2.0,
                                 init_values=1.0, ffn_layer="mlp", block_chunks=0,
                                 block_fn=partial(Block, attn_class=MemEffAttention)).eval()
    randomize(dino, 301)
    torch.save(dino.state_dict(), os.path.join(OUT, "dinov2_tiny.pth"))
    x = torch.randn((2, 3, 28, 28), generator=torch.Generator().manual_seed(302))
    with torch.no_grad():
        io["io.dinov2_input"] = x
        io["io.dinov2_cls"] = dino.forward_features(x)["x_norm_clstoken"].clone()
    return {"dinov2_tiny.pth": [[k, list(v.shape)] for k, v in dino.state_dict().items()]}


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    torch.manual_seed(0)
    io = {"io.input": torch.randn((2, 3, 32, 32), generator=torch.Generator().manual_seed(299))}
    keys = mae_cases(io)
    keys.update(dinov2_case(io))
    safetensors_io.save(os.path.join(OUT, "vit_adapters.safetensors"), io)
    with open(os.path.join(OUT, "vit_adapters.json"), "w") as f:
        json.dump({"tiny": TINY, "dinov2_tiny": dict(TINY, img_size=28, patch_size=14), "checkpoint_keys": keys}, f, indent=1)
    for k, v in io.items():
        print(k, tuple(v.shape))


if __name__ == "__main__":
    main()
