// MedFM.Imaging.Transforms — resizing and preprocessing as the Python code of the foundation models does it.
//
// Design note. Each public entry point reproduces one library function at one version, bit for bit where the
// reference is integer or float32 arithmetic, and names it in its header:
//
//   PilResize.Resize            Pillow 9.4 Image.resize(size, resample, box) (src/libImaging/Resample.c,
//                               Geometry.c ImagingScaleAffine): all six filters, the box argument, the 8-bit
//                               fixed-point path ("L", "RGB") and the float path ("F"). Bit-identical.
//   TorchvisionTransforms       torchvision 0.14 on PIL images: Resize(int | (h, w)) with its output-size rule,
//                               CenterCrop (pad, then round-half-even offsets), ToTensor, Normalize. Bit-identical.
//   ImagePipeline               a Compose of the above, returning float32 CHW (ImageTensor); TimmEval = timm's
//                               transforms_imagenet_eval (crop_mode 'center').
//   ResizeLongestSide           segment-anything utils/transforms.py: shapes, apply_image (PIL bilinear),
//                               apply_coords / apply_boxes (float64) and apply_coords_torch (float32). Bit-identical.
//   SkimageResize.Resize        scikit-image 0.19.3 transform.resize with scipy 1.10 ndimage (gaussian_filter,
//                               spline_filter, zoom grid_mode): orders 0–5, modes constant/edge/symmetric/reflect/
//                               wrap, clip, preserve_range, anti_aliasing(_sigma); float64, float32, uint8, uint16.
//                               Gaussian and prefilter bit-identical; the zoom is separable (≤ ~1e-13 relative from
//                               scipy's tap-by-tap sum) with scipy's exact order replayed next to integers, so
//                               MedSAM's .astype(np.uint8) agrees exactly.
//   IntensityOps                numpy astype(uint8) and MedSAM's min–max scaling.
//
// Conventions. Pixels are interleaved rows (y, x, channel), as numpy HWC arrays and PIL buffers; every function has a
// span form and a Volume form (2-D, geometry updated to the new pixel centres). Arguments the reference rejects throw
// ImageTransformException naming the operation. Kernels precompute per-axis weights once, run separable passes over
// many lines at a time (SIMD lanes = independent lines, so per-sample operation order equals the reference's) and
// split rows or lanes over cores; no per-pixel allocation. Model presets (MedSAM, SAM, timm, RETFound, UNI) compose
// these functions and live with the models.
namespace MedFM.Imaging.Transforms;
