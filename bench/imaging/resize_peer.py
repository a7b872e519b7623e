#!/usr/bin/python3
"""Peer side of `MedFM.Bench.Imaging resize`: the same resizes timed with skimage 0.19 / scipy and PIL 9.4.

    resize_peer.py REPEATS ASTRONAUT_PNG RETINA_JPG  → JSON {case: [seconds, ...]}

Cases (inputs decoded once, outside the timing):
  medsam_skimage      MedSAM_Inference.py: transform.resize(img (512,512,3), (1024,1024), order=3,
                      preserve_range=True, anti_aliasing=True)
  medsam_full         the same plus .astype(uint8) and the min-max scaling
  pil_bicubic_up      PIL Image.resize((1024, 1024), BICUBIC) of the 512x512 RGB image
  pil_bilinear_sam    PIL Image.resize((1024, 1024), BILINEAR) of retina 1411x1411 (SAM ResizeLongestSide)
  pil_bicubic_timm    PIL Image.resize((248, 248), BICUBIC) of retina (timm eval Resize(248))
"""
import json
import sys
import time

import numpy as np
from PIL import Image
from skimage import transform


def timed(fn, repeats):
    fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main():
    repeats = int(sys.argv[1])
    astro = np.asarray(Image.open(sys.argv[2]).convert("RGB"))
    retina = Image.open(sys.argv[3])
    retina.load()
    astro_im = Image.fromarray(astro)

    def medsam_full():
        r = transform.resize(astro, (1024, 1024), order=3, preserve_range=True, anti_aliasing=True).astype(np.uint8)
        return (r - r.min()) / np.clip(r.max() - r.min(), a_min=1e-8, a_max=None)

    cases = {
        "medsam_skimage": lambda: transform.resize(astro, (1024, 1024), order=3, preserve_range=True, anti_aliasing=True),
        "medsam_full": medsam_full,
        "pil_bicubic_up": lambda: astro_im.resize((1024, 1024), Image.BICUBIC),
        "pil_bilinear_sam": lambda: retina.resize((1024, 1024), Image.BILINEAR),
        "pil_bicubic_timm": lambda: retina.resize((248, 248), Image.BICUBIC),
    }
    result = {name: timed(fn, max(3, repeats // 3) if name.startswith("medsam") else repeats) for name, fn in cases.items()}
    import PIL
    import skimage
    import scipy
    result["versions"] = "skimage %s, scipy %s, PIL %s, numpy %s" % (skimage.__version__, scipy.__version__, PIL.__version__, np.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
