using System.Buffers;
using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>
/// Convolutions with torch.nn.functional semantics (NCHW / NCDHW, float32): conv2d, conv3d, conv_transpose2d,
/// conv_transpose3d, with groups (depthwise included), stride, padding, dilation and output_padding. An input
/// without the batch dimension is accepted as PyTorch does. Gradients flow to input, weight and bias.
/// Kernels: <see cref="ConvGemm"/> (im2col / patch / pointwise lowering onto <see cref="Gemm.Sgemm"/>).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>torch.nn.functional.conv2d: x [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw], bias [Cout].</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, Int2? stride = null, Int2? padding = null,
        Int2? dilation = null, int groups = 1) =>
        ConvNd("conv2d", 2, x, weight, bias, (stride ?? 1).WithDepth(1), (padding ?? 0).WithDepth(0),
            (dilation ?? 1).WithDepth(1), groups);

    /// <summary>torch.nn.functional.conv3d: x [N, Cin, D, H, W], weight [Cout, Cin/groups, kd, kh, kw], bias [Cout].</summary>
    public static Tensor Conv3d(Tensor x, Tensor weight, Tensor? bias = null, Int3? stride = null, Int3? padding = null,
        Int3? dilation = null, int groups = 1) =>
        ConvNd("conv3d", 3, x, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);

    /// <summary>
    /// torch.nn.functional.conv_transpose2d: x [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw], bias [Cout];
    /// output size (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, Int2? stride = null, Int2? padding = null,
        Int2? outputPadding = null, Int2? dilation = null, int groups = 1) =>
        ConvTransposeNd("conv_transpose2d", 2, x, weight, bias, (stride ?? 1).WithDepth(1), (padding ?? 0).WithDepth(0),
            (outputPadding ?? 0).WithDepth(0), (dilation ?? 1).WithDepth(1), groups);

    /// <summary>torch.nn.functional.conv_transpose3d: x [N, Cin, D, H, W], weight [Cin, Cout/groups, kd, kh, kw].</summary>
    public static Tensor ConvTranspose3d(Tensor x, Tensor weight, Tensor? bias = null, Int3? stride = null, Int3? padding = null,
        Int3? outputPadding = null, Int3? dilation = null, int groups = 1) =>
        ConvTransposeNd("conv_transpose3d", 3, x, weight, bias, stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1, groups);

    private static Tensor ConvNd(string op, int dims, Tensor x, Tensor weight, Tensor? bias, Int3 stride, Int3 padding, Int3 dilation, int groups)
    {
        if (x.Rank == dims + 1) return ConvNd(op, dims, x.Unsqueeze(0), weight, bias, stride, padding, dilation, groups).Squeeze(0);
        CheckConvOperands(op, dims, x, weight, bias, stride, padding, dilation, groups);
        int cin = x.shape[1], cout = weight.shape[0];
        if (weight.shape[1] * groups != cin || cout % groups != 0)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} with {groups} group(s) needs weight [Cout, {(groups > 0 ? cin / groups : 0)}, ...] with Cout divisible by {groups}, got weight {ShapeUtil.Format(weight.shape)}");
        if (bias is not null && (bias.Rank != 1 || bias.shape[0] != cout))
            throw new TensorShapeException(op, $"bias {ShapeUtil.Format(bias.shape)} does not match {cout} output channels");
        var input = SpatialOf(x, dims);
        var kernel = SpatialOf(weight, dims);
        var output = new Int3(
            ConvGeometry.OutputLength(input.D, kernel.D, stride.D, padding.D, dilation.D),
            ConvGeometry.OutputLength(input.H, kernel.H, stride.H, padding.H, dilation.H),
            ConvGeometry.OutputLength(input.W, kernel.W, stride.W, padding.W, dilation.W));
        if (output.D <= 0 || output.H <= 0 || output.W <= 0)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} is too small for kernel {ShapeUtil.Format(weight.shape)} with padding {padding} and dilation {dilation}: output size would be {output}");
        var g = new ConvGeometry(x.shape[0], cin, cout, groups, input, kernel, stride, padding, dilation, output);
        var xc = x.Detach().Contiguous();
        var wc = weight.Detach().Contiguous();
        var bc = bias?.Detach().Contiguous();
        var y = new Tensor(ConvShape(g.Batch, cout, output, dims));
        WithWorkspace(g, ws => ConvGemm.Forward(g, xc.Span, wc.Span, bc is null ? default : bc.Span, y.Span, ws));
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        return y.Record(op, inputs, gOut =>
        {
            var gy = gOut.Contiguous();
            var grads = new Tensor?[inputs.Length];
            if (x.RequiresGrad)
            {
                var gx = new Tensor(xc.ShapeArray());
                WithWorkspace(g, ws => ConvGemm.BackwardInput(g, gy.Span, wc.Span, gx.Span, ws));
                grads[0] = gx;
            }
            if (weight.RequiresGrad)
            {
                var gw = new Tensor(wc.ShapeArray());
                WithWorkspace(g, ws => ConvGemm.BackwardWeight(g, gy.Span, xc.Span, gw.Span, ws));
                grads[1] = gw;
            }
            if (bias is not null && bias.RequiresGrad) grads[2] = gy.Sum(SpatialAndBatchDims(dims));
            return grads;
        });
    }

    private static Tensor ConvTransposeNd(string op, int dims, Tensor x, Tensor weight, Tensor? bias, Int3 stride, Int3 padding,
        Int3 outputPadding, Int3 dilation, int groups)
    {
        if (x.Rank == dims + 1)
            return ConvTransposeNd(op, dims, x.Unsqueeze(0), weight, bias, stride, padding, outputPadding, dilation, groups).Squeeze(0);
        CheckConvOperands(op, dims, x, weight, bias, stride, padding, dilation, groups);
        int cin = x.shape[1];
        if (weight.shape[0] != cin || cin % groups != 0)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} with {groups} group(s) needs weight [{cin}, Cout/groups, ...] with {cin} divisible by {groups}, got weight {ShapeUtil.Format(weight.shape)}");
        int cout = weight.shape[1] * groups;
        if (bias is not null && (bias.Rank != 1 || bias.shape[0] != cout))
            throw new TensorShapeException(op, $"bias {ShapeUtil.Format(bias.shape)} does not match {cout} output channels");
        for (int a = 0; a < 3; a++)
            if (outputPadding[a] < 0 || (outputPadding[a] >= stride[a] && outputPadding[a] >= dilation[a]))
                throw new TensorShapeException(op, $"output padding {outputPadding} must be non-negative and smaller than either stride {stride} or dilation {dilation}");
        var input = SpatialOf(x, dims);
        var kernel = SpatialOf(weight, dims);
        var output = new Int3(
            ConvGeometry.TransposedOutputLength(input.D, kernel.D, stride.D, padding.D, dilation.D, outputPadding.D),
            ConvGeometry.TransposedOutputLength(input.H, kernel.H, stride.H, padding.H, dilation.H, outputPadding.H),
            ConvGeometry.TransposedOutputLength(input.W, kernel.W, stride.W, padding.W, dilation.W, outputPadding.W));
        if (output.D <= 0 || output.H <= 0 || output.W <= 0)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} with weight {ShapeUtil.Format(weight.shape)}, stride {stride}, padding {padding} gives a non-positive output size {output}");
        // The convolution that maps this op's output back to its input; this op is that convolution's input gradient.
        var g = new ConvGeometry(x.shape[0], cout, cin, groups, output, kernel, stride, padding, dilation, input);
        var xc = x.Detach().Contiguous();
        var wc = weight.Detach().Contiguous();
        var y = new Tensor(ConvShape(g.Batch, cout, output, dims));
        WithWorkspace(g, ws => ConvGemm.BackwardInput(g, xc.Span, wc.Span, y.Span, ws));
        if (bias is not null) AddChannelBias(y.Span, bias.Detach().Contiguous().Span, g.Batch, cout, output.Volume);
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        return y.Record(op, inputs, gOut =>
        {
            var gy = gOut.Contiguous();
            var grads = new Tensor?[inputs.Length];
            if (x.RequiresGrad)
            {
                var gx = new Tensor(xc.ShapeArray());
                WithWorkspace(g, ws => ConvGemm.Forward(g, gy.Span, wc.Span, default, gx.Span, ws));
                grads[0] = gx;
            }
            if (weight.RequiresGrad)
            {
                var gw = new Tensor(wc.ShapeArray());
                WithWorkspace(g, ws => ConvGemm.BackwardWeight(g, xc.Span, gy.Span, gw.Span, ws));
                grads[1] = gw;
            }
            if (bias is not null && bias.RequiresGrad) grads[2] = gy.Sum(SpatialAndBatchDims(dims));
            return grads;
        });
    }

    private static void CheckConvOperands(string op, int dims, Tensor x, Tensor weight, Tensor? bias, Int3 stride, Int3 padding, Int3 dilation, int groups)
    {
        x.RequireFloat(op);
        weight.RequireFloat(op);
        bias?.RequireFloat(op);
        if (x.Rank != dims + 2)
            throw new TensorShapeException(op, $"expects a {dims + 2}-D input (or {dims + 1}-D without batch), got {ShapeUtil.Format(x.shape)}");
        if (weight.Rank != dims + 2)
            throw new TensorShapeException(op, $"expects a {dims + 2}-D weight, got {ShapeUtil.Format(weight.shape)}");
        if (groups <= 0) throw new TensorShapeException(op, $"groups must be positive, got {groups}");
        for (int a = 3 - dims; a < 3; a++)
        {
            if (stride[a] <= 0) throw new TensorShapeException(op, $"stride must be positive, got {stride}");
            if (dilation[a] <= 0) throw new TensorShapeException(op, $"dilation must be positive, got {dilation}");
            if (padding[a] < 0) throw new TensorShapeException(op, $"padding must be non-negative, got {padding}");
        }
        for (int d = 2; d < weight.Rank; d++)
            if (weight.shape[d] <= 0) throw new TensorShapeException(op, $"kernel sizes must be positive, got weight {ShapeUtil.Format(weight.shape)}");
    }

    /// <summary>The spatial sizes of an N C (D) H W tensor as a triple (depth 1 for 2-D).</summary>
    private static Int3 SpatialOf(Tensor t, int dims) =>
        dims == 2 ? new Int3(1, t.shape[2], t.shape[3]) : new Int3(t.shape[2], t.shape[3], t.shape[4]);

    private static int[] ConvShape(int n, int c, Int3 s, int dims) =>
        dims == 2 ? new[] { n, c, s.H, s.W } : new[] { n, c, s.D, s.H, s.W };

    private static int[] SpatialAndBatchDims(int dims) => dims == 2 ? new[] { 0, 2, 3 } : new[] { 0, 2, 3, 4 };

    private static void AddChannelBias(Span<float> y, ReadOnlySpan<float> bias, int batch, int channels, int plane)
    {
        for (int n = 0; n < batch; n++)
        for (int c = 0; c < channels; c++)
        {
            var p = y.Slice((n * channels + c) * plane, plane);
            System.Numerics.Tensors.TensorPrimitives.Add(p, bias[c], p);
        }
    }

    /// <summary>Runs a kernel with a scratch array of the geometry's workspace size, rented and returned at once.</summary>
    private static void WithWorkspace(ConvGeometry g, SpanAction action)
    {
        long len = ConvGemm.WorkspaceLength(g);
        if (len > Array.MaxLength)
            throw new TensorShapeException("conv", $"the column buffer for {g} would need {len} floats, more than one array holds");
        if (len == 0)
        {
            action(Span<float>.Empty);
            return;
        }
        var ws = ArrayPool<float>.Shared.Rent((int)len);
        try
        {
            action(ws.AsSpan(0, (int)len));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(ws);
        }
    }

    private delegate void SpanAction(Span<float> workspace);
}
