using System.Buffers;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// skimage 0.19.3 <c>transform.resize</c> on a 2-D image (rows, cols) or a channel-last image (rows, cols, channels)
/// whose channel count is kept (reference: scikit-image v0.19.3 skimage/transform/_warps.py <c>resize</c>,
/// <c>_clip_warp_output</c>; skimage/_shared/utils.py <c>convert_to_float</c>, <c>_to_ndimage_mode</c>; with scipy
/// 1.10.1 ndimage <c>gaussian_filter</c>, <c>spline_filter</c> and <c>zoom(grid_mode=True)</c>, see
/// <see cref="NdimageGaussian"/>, <see cref="NdimageSpline"/>, <see cref="ZoomAxis"/>):
/// <list type="number">
/// <item>order 0 keeps the input type; other orders convert to float (preserve_range keeps values; otherwise
///   unsigned integers become v·(1/max)); float32 stays float32 (its roundings are reproduced);</item>
/// <item>anti-aliasing: <c>gaussian_filter</c> with σ = max(0, (in/out − 1)/2) per axis (axes with σ ≤ 1e-15
///   skipped) in the ndimage mode mapped from <see cref="SkimageMode"/>;</item>
/// <item>for order ≥ 2 the B-spline prefilter (after zoom's 12-sample pre-padding in 'nearest'/'grid-constant'),
///   then the grid-mode zoom with zoom factor in/out per axis;</item>
/// <item>clip to the input's [min, max] (extended by cval when mode 'constant' makes it appear).</item>
/// </list>
/// The gaussian filter and the prefilter are bit-identical to scipy. The zoom is computed separably (axis by axis)
/// where scipy sums all (order+1)^rank taps of each output point at once; the results agree to ~1e-13 relative, and
/// with <see cref="SkimageResizeOptions.ExactNearIntegers"/> outputs next to an integer are recomputed in scipy's
/// order so truncation to uint8 agrees exactly. Layout: <c>image[(row·cols + col)·channels + c]</c>; channels = 1 is
/// a 2-D image.
/// </summary>
public static partial class SkimageResize
{
    private const string Op = "SkimageResize.Resize";

    /// <summary>How the reference's numpy dtype rounds intermediate and final results.</summary>
    private enum Storage { Float64, Float32, Integer }

    public static double[] Resize(ReadOnlySpan<double> image, int rows, int cols, int channels, int outRows, int outCols, SkimageResizeOptions? options = null) =>
        Run(image.ToArray(), Storage.Float64, 0, rows, cols, channels, outRows, outCols, options ?? new());

    /// <summary>float32 input: skimage keeps float32, so the gaussian passes and the result are rounded to float32.</summary>
    public static float[] Resize(ReadOnlySpan<float> image, int rows, int cols, int channels, int outRows, int outCols, SkimageResizeOptions? options = null)
    {
        var data = new double[image.Length];
        for (int i = 0; i < data.Length; i++) data[i] = image[i];
        var result = Run(data, Storage.Float32, 0, rows, cols, channels, outRows, outCols, options ?? new());
        var f = new float[result.Length];
        for (int i = 0; i < f.Length; i++) f[i] = (float)result[i];
        return f;
    }

    /// <summary>uint8 input (values returned as double; with order 0 they stay integers as skimage's uint8 result).</summary>
    public static double[] Resize(ReadOnlySpan<byte> image, int rows, int cols, int channels, int outRows, int outCols, SkimageResizeOptions? options = null)
    {
        var data = new double[image.Length];
        for (int i = 0; i < data.Length; i++) data[i] = image[i];
        return Run(data, Storage.Integer, byte.MaxValue, rows, cols, channels, outRows, outCols, options ?? new());
    }

    /// <summary>uint16 input (see the uint8 overload).</summary>
    public static double[] Resize(ReadOnlySpan<ushort> image, int rows, int cols, int channels, int outRows, int outCols, SkimageResizeOptions? options = null)
    {
        var data = new double[image.Length];
        for (int i = 0; i < data.Length; i++) data[i] = image[i];
        return Run(data, Storage.Integer, ushort.MaxValue, rows, cols, channels, outRows, outCols, options ?? new());
    }

    /// <summary>
    /// A 2-D volume (UInt8, UInt16, Float32 or Float64; components = channels) resized to outRows × outCols. The result
    /// is Float64 (Float32 for Float32 input) with the geometry of the new pixel centres.
    /// </summary>
    public static Volume Resize(Volume image, int outRows, int outCols, SkimageResizeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        PilResize.RequireSingleSlice(image, Op);
        int h = image.Height, w = image.Width, c = image.Components;
        Array data = image.VoxelType switch
        {
            VoxelType.UInt8 => Resize(image.GetData<byte>(), h, w, c, outRows, outCols, options),
            VoxelType.UInt16 => Resize(image.GetData<ushort>(), h, w, c, outRows, outCols, options),
            VoxelType.Float32 => Resize(image.GetData<float>(), h, w, c, outRows, outCols, options),
            VoxelType.Float64 => Resize(image.GetData<double>(), h, w, c, outRows, outCols, options),
            _ => throw new ImageTransformException(Op, $"voxel type {image.VoxelType} is not reproduced (UInt8, UInt16, Float32, Float64)"),
        };
        var geometry = PilResize.ScaledGeometry(image.Geometry, 0, 0, (double)w / outCols, (double)h / outRows);
        return image.WithData(new VolumeShape(outCols, outRows, 1, c), data, geometry);
    }

    private static double[] Run(double[] data, Storage storage, double integerMax, int rows, int cols, int channels,
        int outRows, int outCols, SkimageResizeOptions o)
    {
        Validate(data.Length, rows, cols, channels, outRows, outCols, o);
        int order = o.Order ?? 1;
        bool antiAliasing = o.AntiAliasing ?? (outRows < rows || outCols < cols);
        double f0 = (double)rows / outRows, f1 = (double)cols / outCols;
        if (order > 0 && storage == Storage.Integer)
        {
            // convert_to_float: preserve_range → astype(float); else img_as_float → image · (1 / imax) in float64.
            if (!o.PreserveRange)
            {
                double scale = 1.0 / integerMax;
                for (int i = 0; i < data.Length; i++) data[i] *= scale;
            }
            storage = Storage.Float64;
        }
        var (min, max) = MinMax(data);
        var mode = NdMode(o.Mode);
        if (antiAliasing)
        {
            var sigma = Sigmas(o.AntiAliasingSigma, f0, f1, channels);
            data = GaussianFilter(data, rows, cols, channels, sigma, mode, o.Cval, storage);
        }
        // zoom: output shape round(in · (1 / factor)), zoom = in / out.
        int m0 = (int)Math.Round(rows * (1 / f0), MidpointRounding.ToEven), m1 = (int)Math.Round(cols * (1 / f1), MidpointRounding.ToEven);
        var result = Zoom(data, rows, cols, channels, m0, m1, order, mode, o.Cval, o.ExactNearIntegers, storage);
        if (o.Clip) ClipToInput(result, min, max, o, storage);
        return result;
    }

    private static void Validate(int length, int rows, int cols, int channels, int outRows, int outCols, SkimageResizeOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (rows < 1 || cols < 1 || channels < 1)
            throw new ImageTransformException(Op, $"image shape must be positive, found ({rows}, {cols}, {channels})");
        if ((long)rows * cols * channels != length)
            throw new ImageTransformException(Op, $"shape ({rows}, {cols}, {channels}) needs {(long)rows * cols * channels} values, found {length}");
        if (outRows < 1 || outCols < 1)
            throw new ImageTransformException(Op, $"output shape must be positive, found ({outRows}, {outCols})");
        if ((long)outRows * outCols * channels > Array.MaxLength)
            throw new ImageTransformException(Op, $"output ({outRows}, {outCols}, {channels}) exceeds the largest array");
        if (o.Order is < 0 or > 5) throw new ImageTransformException(Op, $"Spline interpolation order has to be in the range 0-5, found {o.Order}");
        if (!Enum.IsDefined(o.Mode)) throw new ImageTransformException(Op, $"unknown mode {o.Mode}");
    }

    /// <summary>skimage's _to_ndimage_mode followed by _fix_ndimage_mode (scipy ≥ 1.6: the grid- variants).</summary>
    private static NdimageMode NdMode(SkimageMode mode) => mode switch
    {
        SkimageMode.Constant => NdimageMode.GridConstant,
        SkimageMode.Edge => NdimageMode.Nearest,
        SkimageMode.Symmetric => NdimageMode.Reflect,
        SkimageMode.Reflect => NdimageMode.Mirror,
        SkimageMode.Wrap => NdimageMode.GridWrap,
        _ => throw new ImageTransformException(Op, $"unknown mode {mode}"),
    };

    private static double[] Sigmas(double[]? given, double f0, double f1, int channels)
    {
        int rank = channels > 1 ? 3 : 2;
        if (given is null) return [Math.Max(0, (f0 - 1) / 2), Math.Max(0, (f1 - 1) / 2), 0];
        if (given.Length != 1 && given.Length != rank)
            throw new ImageTransformException(Op, $"anti_aliasing_sigma needs 1 or {rank} values, found {given.Length}");
        var s = new double[3];
        for (int a = 0; a < rank; a++) s[a] = given.Length == 1 ? given[0] : given[a];
        foreach (var v in s)
            if (v < 0) throw new ImageTransformException(Op, "Anti-aliasing standard deviation must be greater than or equal to zero");
        return s;
    }

    private static (double Min, double Max) MinMax(double[] data)
    {
        double min = data[0], max = data[0];
        foreach (var v in data)
        {
            if (v < min || double.IsNaN(v)) min = v;
            if (v > max || double.IsNaN(v)) max = v;
        }
        return (min, max);
    }

    /// <summary>_clip_warp_output: np.clip(out, min, max), the range widened to cval when constant mode brought it in.</summary>
    private static void ClipToInput(double[] result, double min, double max, SkimageResizeOptions o, Storage storage)
    {
        double cval = o.Cval;
        if (o.Mode == SkimageMode.Constant && !(min <= cval && cval <= max))
        {
            var (outMin, outMax) = MinMax(result);
            if (outMin <= cval && cval <= outMax)
            {
                cval = storage switch { Storage.Float32 => (float)cval, Storage.Integer => Math.Truncate(cval), _ => cval };
                min = Math.Min(min, cval);
                max = Math.Max(max, cval);
            }
        }
        for (int i = 0; i < result.Length; i++)
        {
            double v = result[i];
            result[i] = v < min ? min : v > max ? max : v;
        }
    }

    /// <summary>Rounds a stored intermediate as the reference dtype would.</summary>
    private static void Store(Span<double> values, Storage storage)
    {
        if (storage == Storage.Float32)
            for (int i = 0; i < values.Length; i++) values[i] = (float)values[i];
        else if (storage == Storage.Integer)
            for (int i = 0; i < values.Length; i++) values[i] = Math.Truncate(values[i]);
    }

    /// <summary>gaussian_filter: one gaussian_filter1d per axis with σ &gt; 1e-15, in axis order, output in the input dtype.</summary>
    private static double[] GaussianFilter(double[] data, int rows, int cols, int channels, double[] sigma, NdimageMode mode, double cval, Storage storage)
    {
        var current = data;
        for (int axis = 0; axis < 3; axis++)
        {
            if (!(sigma[axis] > 1e-15)) continue;
            var w = NdimageGaussian.Kernel(sigma[axis]);
            var next = new double[current.Length];
            var src = current;
            int length = axis == 0 ? rows : axis == 1 ? cols : channels;
            LineOperation op = (s, d, ss, ds, lanes) => NdimageGaussian.CorrelateLines(s, d, length, ss, lanes, w, mode, cval);
            if (axis == 0) AxisLines.Axis0(src, next, rows, rows, cols * channels, rows * (long)w.Length, op);
            else if (axis == 1) AxisLines.Axis1(src, next, rows, cols, cols, channels, cols * (long)w.Length, op);
            else AxisLines.Axis1(src, next, rows * cols, channels, channels, 1, channels * (long)w.Length, op);
            Store(next, storage);
            current = next;
        }
        return ReferenceEquals(current, data) ? data : current;
    }
}
