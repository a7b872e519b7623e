"""Fixtures for MedFM's torchvision-compatible ResNet (src/MedFM.Models/ResNet), from torchvision 0.14 itself.

  resnet_presets.keys.json   full-size resnet18 / resnet50 state-dict keys and shapes (no weights) and the eval
                             transform of their IMAGENET1K_V1 weights (torchvision/models/resnet.py)
  resnet18_narrow / resnet50_narrow (.safetensors + .json)
      torchvision's resnet18 / resnet50, every channel count divided by WIDTH_DIVISOR (the stem's input keeps its 3
      channels, the classifier keeps CLASSES outputs), with seeded weights and batch-norm statistics, run by
      torchvision's own forward on a seeded 64 x 64 batch in eval mode. Weights under "w.<key>"; "io.input",
      per-stage outputs "io.layer1".."io.layer4", "io.pooled" (flattened avgpool) and "io.logits".
      The narrowing keeps every key and the block structure while the file stays small.

Usage: /usr/bin/python3 tools/resnet/make_fixtures.py   (Debian's python3-torch 1.13 and python3-torchvision 0.14)
"""
import json
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import safetensors_io  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fixtures", "resnet")
CLASSES = 10
CASES = {"resnet18_narrow": ("resnet18", 16, 400), "resnet50_narrow": ("resnet50", 32, 401)}


def keys(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def transform_of(weights):
    t = weights.transforms()
    return {"resize": t.resize_size[0], "crop": t.crop_size[0], "interpolation": t.interpolation.value,
            "mean": list(t.mean), "std": list(t.std)}


def narrow(model, divisor, seed):
    """Replaces every tensor by a seeded one with channel counts divided by divisor (input 3 and CLASSES kept)."""
    g = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            out_c, in_c, kh, kw = module.weight.shape
            in_c = in_c if in_c == 3 else in_c // divisor
            module.weight = torch.nn.Parameter(0.5 * torch.randn((out_c // divisor, in_c, kh, kw), generator=g) / (in_c * kh * kw) ** 0.5)
            module.in_channels, module.out_channels = in_c, out_c // divisor
        elif isinstance(module, torch.nn.BatchNorm2d):
            c = module.num_features // divisor
            module.num_features = c
            module.weight = torch.nn.Parameter(1.0 + 0.2 * torch.randn(c, generator=g))
            module.bias = torch.nn.Parameter(0.2 * torch.randn(c, generator=g))
            module.running_mean = 0.2 * torch.randn(c, generator=g)
            module.running_var = 0.5 + torch.rand(c, generator=g)
            module.num_batches_tracked = torch.tensor(1000 + seed)
        elif isinstance(module, torch.nn.Linear):
            in_f = module.in_features // divisor
            module.weight = torch.nn.Parameter(torch.randn((CLASSES, in_f), generator=g) / in_f ** 0.5)
            module.bias = torch.nn.Parameter(0.1 * torch.randn(CLASSES, generator=g))
            module.in_features, module.out_features = in_f, CLASSES
    return model.eval()


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    full = {}
    for name, weights in (("resnet18", torchvision.models.ResNet18_Weights.IMAGENET1K_V1),
                          ("resnet50", torchvision.models.ResNet50_Weights.IMAGENET1K_V1)):
        full[name] = {"model_keys": keys(getattr(torchvision.models, name)()), "transform": transform_of(weights)}
    with open(os.path.join(OUT, "resnet_presets.keys.json"), "w") as f:
        json.dump(full, f, separators=(",", ":"))
        f.write("\n")

    for case, (arch, divisor, seed) in CASES.items():
        model = narrow(getattr(torchvision.models, arch)(), divisor, seed)
        x = torch.randn((2, 3, 64, 64), generator=torch.Generator().manual_seed(seed + 1))
        io = {"io.input": x}
        for stage in ("layer1", "layer2", "layer3", "layer4"):
            getattr(model, stage).register_forward_hook(lambda m, i, o, s=stage: io.__setitem__(f"io.{s}", o.detach().clone()))
        model.avgpool.register_forward_hook(lambda m, i, o: io.__setitem__("io.pooled", torch.flatten(o, 1).detach().clone()))
        with torch.no_grad():
            io["io.logits"] = model(x)
        tensors = {f"w.{k}": v for k, v in model.state_dict().items()}
        tensors.update(io)
        safetensors_io.save(os.path.join(OUT, f"{case}.safetensors"), tensors)
        with open(os.path.join(OUT, f"{case}.json"), "w") as f:
            json.dump({"arch": arch, "width_divisor": divisor, "num_classes": CLASSES, "seed": seed,
                       "state_dict": keys(model)}, f, indent=0)
        print(case, sum(v.numel() for v in model.state_dict().values()), "elements", tuple(io["io.logits"].shape))


if __name__ == "__main__":
    main()
