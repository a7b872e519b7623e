namespace MedFM.Imaging.Transforms;

/// <summary>skimage's padding modes (numpy.pad names) and the scipy.ndimage modes skimage 0.19 maps them to.</summary>
public enum SkimageMode
{
    /// <summary>'constant' → ndimage 'grid-constant' (cval outside).</summary>
    Constant,

    /// <summary>'edge' → ndimage 'nearest'.</summary>
    Edge,

    /// <summary>'symmetric' → ndimage 'reflect' (edge sample repeated).</summary>
    Symmetric,

    /// <summary>'reflect' → ndimage 'mirror' (edge sample not repeated); skimage's default.</summary>
    Reflect,

    /// <summary>'wrap' → ndimage 'grid-wrap'.</summary>
    Wrap,
}

/// <summary>
/// The keyword arguments of skimage 0.19.3 <c>transform.resize(image, output_shape, order=None, mode='reflect',
/// cval=0, clip=True, preserve_range=False, anti_aliasing=None, anti_aliasing_sigma=None)</c>, with the same
/// defaults. MedSAM's call is <c>new SkimageResizeOptions { Order = 3, PreserveRange = true, AntiAliasing = true }</c>.
/// </summary>
public sealed record SkimageResizeOptions
{
    /// <summary>Spline order 0 … 5; null = skimage's default (1; bool images are not reproduced).</summary>
    public int? Order { get; init; }

    public SkimageMode Mode { get; init; } = SkimageMode.Reflect;

    public double Cval { get; init; }

    /// <summary>Clip the result to the input's value range (extended by cval in constant mode when it is used).</summary>
    public bool Clip { get; init; } = true;

    /// <summary>Keep integer values as they are; otherwise unsigned integers are scaled to [0, 1] (img_as_float).</summary>
    public bool PreserveRange { get; init; }

    /// <summary>Gaussian prefilter before zooming; null = on when any spatial axis shrinks.</summary>
    public bool? AntiAliasing { get; init; }

    /// <summary>
    /// Per-axis (rows, cols[, channels]) or single (all axes, the channel axis included, as skimage broadcasts it)
    /// standard deviations; null = max(0, (factor − 1) / 2) per axis.
    /// </summary>
    public double[]? AntiAliasingSigma { get; init; }

    /// <summary>
    /// Recompute outputs lying within 1e-9 of a non-zero integer with scipy's own (non-separable) summation order, so a
    /// later truncation to an integer type (MedSAM's <c>.astype(np.uint8)</c>) agrees with the reference bit for bit.
    /// Costs one extra pass over the prefiltered coefficients; off leaves those outputs within ~1e-13 of scipy's.
    /// </summary>
    public bool ExactNearIntegers { get; init; } = true;

    /// <summary>MedSAM_Inference.py: order 3, preserve_range, anti_aliasing, default mode 'reflect'.</summary>
    public static SkimageResizeOptions MedSam { get; } = new() { Order = 3, PreserveRange = true, AntiAliasing = true };
}
