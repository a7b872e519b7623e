using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors;

/// <summary>
/// Pooling with torch.nn.functional semantics over NCHW / NCDHW (or unbatched CHW / CDHW): max pooling with
/// indices, average pooling (ceil_mode, count_include_pad, divisor_override) and adaptive average pooling, each
/// with its gradient. Kernels: <see cref="Pooling"/>.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>torch.nn.functional.max_pool2d; stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor x, Int2 kernelSize, Int2? stride = null, Int2? padding = null, Int2? dilation = null,
        bool ceilMode = false) => MaxPool2dWithIndices(x, kernelSize, stride, padding, dilation, ceilMode).Values;

    /// <summary>max_pool2d(return_indices=True): indices are int64 flat positions h·W + w in each input plane.</summary>
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor x, Int2 kernelSize, Int2? stride = null,
        Int2? padding = null, Int2? dilation = null, bool ceilMode = false) =>
        MaxPoolNd("max_pool2d", 2, x, kernelSize.WithDepth(1), (stride ?? kernelSize).WithDepth(1), (padding ?? 0).WithDepth(0),
            (dilation ?? 1).WithDepth(1), ceilMode);

    /// <summary>torch.nn.functional.max_pool3d; stride defaults to the kernel size.</summary>
    public static Tensor MaxPool3d(Tensor x, Int3 kernelSize, Int3? stride = null, Int3? padding = null, Int3? dilation = null,
        bool ceilMode = false) => MaxPool3dWithIndices(x, kernelSize, stride, padding, dilation, ceilMode).Values;

    /// <summary>max_pool3d(return_indices=True): indices are flat positions d·H·W + h·W + w in each input volume.</summary>
    public static (Tensor Values, Tensor Indices) MaxPool3dWithIndices(Tensor x, Int3 kernelSize, Int3? stride = null,
        Int3? padding = null, Int3? dilation = null, bool ceilMode = false) =>
        MaxPoolNd("max_pool3d", 3, x, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode);

    /// <summary>torch.nn.functional.avg_pool2d; a positive divisorOverride replaces the window size as divisor.</summary>
    public static Tensor AvgPool2d(Tensor x, Int2 kernelSize, Int2? stride = null, Int2? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null) =>
        AvgPoolNd("avg_pool2d", 2, x, kernelSize.WithDepth(1), (stride ?? kernelSize).WithDepth(1), (padding ?? 0).WithDepth(0),
            ceilMode, countIncludePad, divisorOverride);

    /// <summary>torch.nn.functional.avg_pool3d.</summary>
    public static Tensor AvgPool3d(Tensor x, Int3 kernelSize, Int3? stride = null, Int3? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null) =>
        AvgPoolNd("avg_pool3d", 3, x, kernelSize, stride ?? kernelSize, padding ?? 0, ceilMode, countIncludePad, divisorOverride);

    /// <summary>torch.nn.functional.adaptive_avg_pool2d: cell o spans [floor(o·in/out), ceil((o+1)·in/out)).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, Int2 outputSize) =>
        AdaptiveAvgPoolNd("adaptive_avg_pool2d", 2, x, outputSize.WithDepth(1));

    /// <summary>torch.nn.functional.adaptive_avg_pool3d.</summary>
    public static Tensor AdaptiveAvgPool3d(Tensor x, Int3 outputSize) => AdaptiveAvgPoolNd("adaptive_avg_pool3d", 3, x, outputSize);

    private static (Tensor, Tensor) MaxPoolNd(string op, int dims, Tensor x, Int3 kernel, Int3 stride, Int3 padding, Int3 dilation, bool ceilMode)
    {
        var (xc, planes, win) = PoolSetup(op, dims, x, kernel, stride, padding, dilation, ceilMode);
        var outShape = PoolShape(x, dims, win.Output);
        var y = new Tensor(outShape);
        var idx = new Tensor(outShape, DType.Int64);
        int inPlane = win.Input.Volume, outPlane = win.Output.Volume;
        float[] xa = xc.FloatData, ya = y.FloatData;
        long[] ia = idx.LongData;
        int xo = xc.Offset;
        ForPlanes(planes, outPlane * kernel.Volume, (lo, hi) => Pooling.MaxForward(win,
            xa.AsSpan(xo + lo * inPlane, (hi - lo) * inPlane), ya.AsSpan(lo * outPlane, (hi - lo) * outPlane),
            ia.AsSpan(lo * outPlane, (hi - lo) * outPlane), hi - lo));
        y.Record(op, new[] { x }, g =>
        {
            var gy = g.Contiguous();
            var gx = Zeros(x.ShapeArray());
            float[] ga = gy.FloatData, gxa = gx.FloatData;
            int go = gy.Offset;
            ForPlanes(planes, outPlane, (lo, hi) => Pooling.MaxBackward(win, ga.AsSpan(go + lo * outPlane, (hi - lo) * outPlane),
                ia.AsSpan(lo * outPlane, (hi - lo) * outPlane), gxa.AsSpan(lo * inPlane, (hi - lo) * inPlane), hi - lo));
            return new Tensor?[] { gx };
        });
        return (y, idx);
    }

    private static Tensor AvgPoolNd(string op, int dims, Tensor x, Int3 kernel, Int3 stride, Int3 padding, bool ceilMode,
        bool countIncludePad, int? divisorOverride)
    {
        if (divisorOverride is <= 0)
            throw new TensorShapeException(op, $"divisor_override must be positive, got {divisorOverride}");
        var (xc, planes, win) = PoolSetup(op, dims, x, kernel, stride, padding, 1, ceilMode);
        int div = divisorOverride ?? 0;
        var y = new Tensor(PoolShape(x, dims, win.Output));
        int inPlane = win.Input.Volume, outPlane = win.Output.Volume;
        float[] xa = xc.FloatData, ya = y.FloatData;
        int xo = xc.Offset;
        ForPlanes(planes, outPlane * kernel.Volume, (lo, hi) => Pooling.AvgForward(win, countIncludePad, div,
            xa.AsSpan(xo + lo * inPlane, (hi - lo) * inPlane), ya.AsSpan(lo * outPlane, (hi - lo) * outPlane), hi - lo));
        return y.Record(op, new[] { x }, g =>
        {
            var gy = g.Contiguous();
            var gx = Zeros(x.ShapeArray());
            float[] ga = gy.FloatData, gxa = gx.FloatData;
            int go = gy.Offset;
            ForPlanes(planes, outPlane * kernel.Volume, (lo, hi) => Pooling.AvgBackward(win, countIncludePad, div,
                ga.AsSpan(go + lo * outPlane, (hi - lo) * outPlane), gxa.AsSpan(lo * inPlane, (hi - lo) * inPlane), hi - lo));
            return new Tensor?[] { gx };
        });
    }

    private static Tensor AdaptiveAvgPoolNd(string op, int dims, Tensor x, Int3 output)
    {
        x.RequireFloat(op);
        CheckPoolRank(op, dims, x);
        if (output.D <= 0 || output.H <= 0 || output.W <= 0)
            throw new TensorShapeException(op, $"output size must be positive, got {output}");
        var input = PoolSpatial(x, dims);
        if (input.Volume == 0)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} has an empty spatial dimension");
        var xc = x.Detach().Contiguous();
        int planes = x.Numel / input.Volume, inPlane = input.Volume, outPlane = output.Volume;
        var y = new Tensor(PoolShape(x, dims, output));
        float[] xa = xc.FloatData, ya = y.FloatData;
        int xo = xc.Offset;
        int work = Math.Max(inPlane, outPlane);
        ForPlanes(planes, work, (lo, hi) => Pooling.AdaptiveAvgForward(input, output,
            xa.AsSpan(xo + lo * inPlane, (hi - lo) * inPlane), ya.AsSpan(lo * outPlane, (hi - lo) * outPlane), hi - lo));
        return y.Record(op, new[] { x }, g =>
        {
            var gy = g.Contiguous();
            var gx = Zeros(x.ShapeArray());
            float[] ga = gy.FloatData, gxa = gx.FloatData;
            int go = gy.Offset;
            ForPlanes(planes, work, (lo, hi) => Pooling.AdaptiveAvgBackward(input, output,
                ga.AsSpan(go + lo * outPlane, (hi - lo) * outPlane), gxa.AsSpan(lo * inPlane, (hi - lo) * inPlane), hi - lo));
            return new Tensor?[] { gx };
        });
    }

    /// <summary>Validates a pooling call and returns the contiguous input, the plane count and the window layout.</summary>
    private static (Tensor, int, PoolWindow) PoolSetup(string op, int dims, Tensor x, Int3 kernel, Int3 stride, Int3 padding,
        Int3 dilation, bool ceilMode)
    {
        x.RequireFloat(op);
        CheckPoolRank(op, dims, x);
        for (int a = 3 - dims; a < 3; a++)
        {
            if (kernel[a] <= 0 || stride[a] <= 0 || dilation[a] <= 0)
                throw new TensorShapeException(op, $"kernel size {kernel}, stride {stride} and dilation {dilation} must be positive");
            if (padding[a] < 0 || padding[a] > kernel[a] / 2)
                throw new TensorShapeException(op, $"padding {padding} must be non-negative and at most half the kernel size {kernel}");
        }
        var input = PoolSpatial(x, dims);
        var output = new Int3(
            PoolWindow.OutputLength(input.D, kernel.D, stride.D, padding.D, dilation.D, ceilMode),
            PoolWindow.OutputLength(input.H, kernel.H, stride.H, padding.H, dilation.H, ceilMode),
            PoolWindow.OutputLength(input.W, kernel.W, stride.W, padding.W, dilation.W, ceilMode));
        if (output.D <= 0 || output.H <= 0 || output.W <= 0)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} is too small for kernel {kernel} with padding {padding} and dilation {dilation}: output size would be {output}");
        int planes = x.Numel / input.Volume;
        return (x.Detach().Contiguous(), planes, new PoolWindow(input, kernel, stride, padding, dilation, output));
    }

    private static void CheckPoolRank(string op, int dims, Tensor x)
    {
        if (x.Rank != dims + 1 && x.Rank != dims + 2)
            throw new TensorShapeException(op, $"expects a {dims + 2}-D (batched) or {dims + 1}-D (unbatched) input, got {ShapeUtil.Format(x.shape)}");
    }

    /// <summary>The trailing spatial sizes as a triple (depth 1 for 2-D).</summary>
    private static Int3 PoolSpatial(Tensor x, int dims) =>
        dims == 2 ? new Int3(1, x.shape[^2], x.shape[^1]) : new Int3(x.shape[^3], x.shape[^2], x.shape[^1]);

    private static int[] PoolShape(Tensor x, int dims, Int3 output)
    {
        var s = x.ShapeArray();
        if (dims == 3) s[^3] = output.D;
        s[^2] = output.H;
        s[^1] = output.W;
        return s;
    }

    /// <summary>Splits planes across the default team, keeping at least ~32k inner iterations per thread.</summary>
    private static void ForPlanes(int planes, int workPerPlane, Action<int, int> body) =>
        ThreadTeam.Default.For(planes, body, minChunk: Math.Max(1, 32768 / Math.Max(1, workPerPlane)));
}
