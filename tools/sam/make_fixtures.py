"""Golden fixtures for MedFM's SAM port from the reference segment-anything code.

Builds a tiny SAM (same classes as build_sam.py, smaller sizes: 128-px input, 8x8 embedding grid, window 3 so the
padding path runs, one global block), sets every parameter and buffer to seeded random values, and records the
image encoder's per-block outputs and embedding, the prompt encoder's outputs for points, boxes and masks, and the
mask decoder's logits and IoU for single- and multi-mask output.

Usage: SAM_PATH=<checkout of github.com/facebookresearch/segment-anything> /usr/bin/python3 tools/sam/make_fixtures.py
Writes tests/Fixtures/sam/tiny_sam.safetensors (weights "w.<key>", tensors "io.<name>") and tiny_sam.json.
"""
import json
import os
import sys
from functools import partial

import torch

sys.path.insert(0, os.environ.get("SAM_PATH", ""))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "common"))
from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, Sam, TwoWayTransformer  # noqa: E402
import safetensors_io  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Fixtures", "sam")
CFG = dict(image_size=96, patch_size=16, encoder_embed_dim=32, encoder_depth=3, encoder_num_heads=2,
           global_attn_indexes=[1], window_size=4, prompt_embed_dim=32, mask_in_chans=8, decoder_depth=2,
           decoder_num_heads=2, decoder_mlp_dim=32, iou_head_hidden_dim=32)


def build(c):
    grid = c["image_size"] // c["patch_size"]
    return Sam(
        image_encoder=ImageEncoderViT(depth=c["encoder_depth"], embed_dim=c["encoder_embed_dim"], img_size=c["image_size"],
                                      mlp_ratio=4, norm_layer=partial(torch.nn.LayerNorm, eps=1e-6),
                                      num_heads=c["encoder_num_heads"], patch_size=c["patch_size"], qkv_bias=True,
                                      use_rel_pos=True, global_attn_indexes=c["global_attn_indexes"],
                                      window_size=c["window_size"], out_chans=c["prompt_embed_dim"]),
        prompt_encoder=PromptEncoder(embed_dim=c["prompt_embed_dim"], image_embedding_size=(grid, grid),
                                     input_image_size=(c["image_size"], c["image_size"]), mask_in_chans=c["mask_in_chans"]),
        mask_decoder=MaskDecoder(num_multimask_outputs=3,
                                 transformer=TwoWayTransformer(depth=c["decoder_depth"], embedding_dim=c["prompt_embed_dim"],
                                                               mlp_dim=c["decoder_mlp_dim"], num_heads=c["decoder_num_heads"]),
                                 transformer_dim=c["prompt_embed_dim"], iou_head_depth=3,
                                 iou_head_hidden_dim=c["iou_head_hidden_dim"]),
    )


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in list(model.named_parameters()) + list(model.named_buffers()):
            if name.endswith("pixel_mean") or name.endswith("pixel_std"):
                continue
            if ("norm" in name or "neck.1" in name or "neck.3" in name) and name.endswith("weight") and p.dim() == 1:
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))


def predictor_cases(model, io):
    """The whole predictor on a real image (ITK's BrainProtonDensitySlice.png) with both presets."""
    import numpy as np
    import torch.nn.functional as F
    from PIL import Image
    from skimage import transform
    from segment_anything import SamPredictor
    data = os.environ.get("TESTDATA", os.path.join(os.path.dirname(__file__), "..", "..", ".testdata"))
    grey = np.array(Image.open(os.path.join(data, "itk", "BrainProtonDensitySlice.png")))
    rgb = np.repeat(grey[:, :, None], 3, axis=-1)
    H, W, _ = rgb.shape
    box = np.array([60.0, 50.0, 150.0, 170.0])
    points, labels = np.array([[100.0, 110.0], [30.0, 20.0]]), np.array([1, 0])
    predictor = SamPredictor(model)
    predictor.set_image(rgb)
    for name, kw in {"box": dict(box=box), "points": dict(point_coords=points, point_labels=labels),
                     "box_points": dict(box=box, point_coords=points[:1], point_labels=labels[:1])}.items():
        for multi in (False, True):
            masks, iou, low = predictor.predict(multimask_output=multi, **kw)
            tag = f"io.pred.sam.{name}.{'multi' if multi else 'single'}"
            io[tag + ".masks"] = torch.from_numpy(masks.astype(np.uint8))
            io[tag + ".iou"] = torch.from_numpy(iou.astype(np.float32))
            io[tag + ".lowres"] = torch.from_numpy(low.astype(np.float32))
    # MedSAM_Inference.py with this model's input size in place of 1024
    s = model.image_encoder.img_size
    img = transform.resize(rgb, (s, s), order=3, preserve_range=True, anti_aliasing=True).astype(np.uint8)
    img = (img - img.min()) / np.clip(img.max() - img.min(), a_min=1e-8, a_max=None)
    x = torch.tensor(img).float().permute(2, 0, 1).unsqueeze(0)
    io["io.pred.medsam.input"] = x
    emb = model.image_encoder(x)
    box_s = torch.as_tensor(box[None, :] / np.array([W, H, W, H]) * s, dtype=torch.float)[:, None, :]
    sparse, dense = model.prompt_encoder(points=None, boxes=box_s, masks=None)
    low, iou = model.mask_decoder(image_embeddings=emb, image_pe=model.prompt_encoder.get_dense_pe(),
                                  sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=False)
    prob = F.interpolate(torch.sigmoid(low), size=(H, W), mode="bilinear", align_corners=False)
    io["io.pred.medsam.box.lowres"] = low[0]
    io["io.pred.medsam.box.iou"] = iou[0]
    io["io.pred.medsam.box.masks"] = (prob[0] > 0.5).to(torch.uint8)


def main():
    torch.manual_seed(0)
    model = build(CFG).eval()
    randomize(model, 7)
    g = torch.Generator().manual_seed(8)
    s = CFG["image_size"]
    io = {"io.image": torch.randn(1, 3, s, s, generator=g)}
    hooks = [b.register_forward_hook(lambda m, i, o, k=k: io.__setitem__(f"io.block.{k}", o.detach().clone()))
             for k, b in enumerate(model.image_encoder.blocks)]
    with torch.no_grad():
        emb = model.image_encoder(io["io.image"])
        io["io.embedding"] = emb
        for h in hooks:
            h.remove()
        pe = model.prompt_encoder.get_dense_pe()
        io["io.dense_pe"] = pe
        prompts = {
            "points": dict(points=(torch.tensor([[[30.0, 40.0], [80.5, 20.25]]]), torch.tensor([[1.0, 0.0]])), boxes=None, masks=None),
            "box": dict(points=None, boxes=torch.tensor([[10.0, 12.0, 70.0, 90.0]]), masks=None),
            "points_box": dict(points=(torch.tensor([[[48.0, 50.0]]]), torch.tensor([[1.0]])), boxes=torch.tensor([[5.0, 6.0, 90.0, 80.0]]), masks=None),
            "box_mask": dict(points=None, boxes=torch.tensor([[20.0, 20.0, 60.0, 80.0]]),
                             masks=torch.randn(1, 1, 4 * (s // 16), 4 * (s // 16), generator=g)),
        }
        for name, p in prompts.items():
            if p["points"] is not None:
                io[f"io.{name}.coords"], io[f"io.{name}.labels"] = p["points"]
            if p["boxes"] is not None:
                io[f"io.{name}.box"] = p["boxes"]
            if p["masks"] is not None:
                io[f"io.{name}.mask"] = p["masks"]
            sparse, dense = model.prompt_encoder(**p)
            io[f"io.{name}.sparse"], io[f"io.{name}.dense"] = sparse, dense
            for multi in (False, True):
                logits, iou = model.mask_decoder(image_embeddings=emb, image_pe=pe, sparse_prompt_embeddings=sparse,
                                                 dense_prompt_embeddings=dense, multimask_output=multi)
                tag = "multi" if multi else "single"
                io[f"io.{name}.{tag}.logits"], io[f"io.{name}.{tag}.iou"] = logits, iou
        predictor_cases(model, io)
    tensors = {f"w.{k}": v for k, v in model.state_dict().items()}
    tensors.update(io)
    os.makedirs(OUT, exist_ok=True)
    safetensors_io.save(os.path.join(OUT, "tiny_sam.safetensors"), tensors)
    with open(os.path.join(OUT, "tiny_sam.json"), "w") as f:
        json.dump({"config": CFG, "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()]}, f, indent=1)
    print("tiny_sam", sum(v.numel() for v in model.state_dict().values()), "values")


if __name__ == "__main__":
    main()


def full_size_keys():
    """Key lists (names and shapes, no weights) of the official builders, for the key-set tests of the presets."""
    from segment_anything.build_sam import sam_model_registry
    keys = {}
    for name in ("vit_b", "vit_l", "vit_h"):
        model = sam_model_registry[name]()
        keys[f"sam_{name}"] = [[k, list(v.shape)] for k, v in model.state_dict().items()]
    with open(os.path.join(OUT, "sam_full_size.keys.json"), "w") as f:
        json.dump(keys, f, separators=(",", ":"))


if __name__ == "__main__" and os.environ.get("FULL_SIZE_KEYS"):
    full_size_keys()


def half_checkpoint():
    """The tiny model's weights as a PyTorch zip checkpoint in float16, nested and prefixed as DataParallel training saves them."""
    w = safetensors_io.load(os.path.join(OUT, "tiny_sam.safetensors"))
    sd = {"module." + k[2:]: torch.from_numpy(v.copy()).half() for k, v in w.items() if k.startswith("w.")}
    torch.save({"model": sd, "epoch": 3}, os.path.join(OUT, "tiny_sam_fp16.pth"))


if __name__ == "__main__" and os.environ.get("HALF_CHECKPOINT"):
    half_checkpoint()
