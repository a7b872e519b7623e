using MedFM.Tensors;
using MedFM.Tensors.Autograd;

namespace MedFM.NN;

public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.max_pool2d on [N, C, H, W] or [C, H, W]; stride defaults to the kernel size. Padding counts
    /// as −inf. TEMPORARY composition (window slices + amax; tied maxima share the gradient) until the engine's
    /// fused Tensor.MaxPool2d lands.
    /// </summary>
    public static Tensor MaxPool2d(Tensor x, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
    {
        var k = Pair(kernelSize, 1, 2);
        var s = stride is null || stride.Length == 0 ? k : Pair(stride, 1, 2);
        var p = Pair(padding, 0, 2);
        var d = Pair(dilation, 1, 2);
        return Unbatched(x, 2, "max_pool2d", b =>
        {
            var geo = PoolGeometry.Create(b, k, s, p, d, ceilMode, "max_pool2d");
            var windows = geo.Windows(b.Pad(geo.PadList(), float.NegativeInfinity)); // [N, C, K, Ho, Wo]
            return windows.Amax(new[] { 2 });
        });
    }

    /// <summary>
    /// torch.nn.functional.avg_pool2d: mean over each window; count_include_pad counts zero padding in the divisor,
    /// the ceil-mode overhang never counts; divisor_override replaces the divisor. TEMPORARY composition.
    /// </summary>
    public static Tensor AvgPool2d(Tensor x, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        var k = Pair(kernelSize, 1, 2);
        var s = stride is null || stride.Length == 0 ? k : Pair(stride, 1, 2);
        var p = Pair(padding, 0, 2);
        if (divisorOverride is <= 0) throw new TensorException("avg_pool2d", $"divisor_override must be positive, got {divisorOverride}");
        return Unbatched(x, 2, "avg_pool2d", b =>
        {
            var geo = PoolGeometry.Create(b, k, s, p, new[] { 1, 1 }, ceilMode, "avg_pool2d");
            var sum = geo.Windows(b.Pad(geo.PadList())).Sum(2);                    // [N, C, Ho, Wo]
            if (divisorOverride is int dv) return sum.Div(dv);
            return sum.Div(geo.Divisor(countIncludePad));
        });
    }

    /// <summary>torch.nn.functional.adaptive_avg_pool2d: bin i spans [⌊i·H/out⌋, ⌈(i+1)·H/out⌉).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int[] outputSize)
    {
        var o = Pair(outputSize, 1, 2);
        return Unbatched(x, 2, "adaptive_avg_pool2d", b =>
        {
            int h = b.Size(2), w = b.Size(3), oh = o[0], ow = o[1];
            if (oh < 1 || ow < 1) throw new TensorShapeException("adaptive_avg_pool2d", $"output size must be positive, got {ShapeUtil.Format(o)}");
            if (h % oh == 0 && w % ow == 0)
                return b.Reshape(b.Size(0), b.Size(1), oh, h / oh, ow, w / ow).Mean(new[] { 3, 5 }); // [N, C, oh, ow]
            var rows = new Tensor[oh];
            for (int i = 0; i < oh; i++)
            {
                int h0 = i * h / oh, h1 = ((i + 1) * h + oh - 1) / oh;
                var cols = new Tensor[ow];
                for (int j = 0; j < ow; j++)
                {
                    int w0 = j * w / ow, w1 = ((j + 1) * w + ow - 1) / ow;
                    cols[j] = b.Narrow(2, h0, h1 - h0).Narrow(3, w0, w1 - w0).Mean(new[] { 2, 3 }); // [N, C]
                }
                rows[i] = Tensor.Stack(cols, 2);                                   // [N, C, ow]
            }
            return Tensor.Stack(rows, 2);                                          // [N, C, oh, ow]
        });
    }

    /// <summary>Output sizes and padding of a 2-D pooling window, as ATen's pooling_output_shape.</summary>
    private readonly record struct PoolGeometry(int H, int W, int[] K, int[] S, int[] P, int[] D, int Ho, int Wo)
    {
        public static PoolGeometry Create(Tensor x, int[] k, int[] s, int[] p, int[] d, bool ceil, string op)
        {
            for (int i = 0; i < 2; i++)
            {
                if (k[i] < 1 || s[i] < 1 || d[i] < 1 || p[i] < 0)
                    throw new TensorException(op, $"kernel {ShapeUtil.Format(k)}, stride {ShapeUtil.Format(s)} and dilation must be ≥ 1, padding ≥ 0");
                if (p[i] * 2 > d[i] * (k[i] - 1) + 1)
                    throw new TensorException(op, $"padding {ShapeUtil.Format(p)} should be at most half of the effective kernel size {ShapeUtil.Format(k)}");
            }
            int ho = OutSize(x.Size(2), k[0], s[0], p[0], d[0], ceil), wo = OutSize(x.Size(3), k[1], s[1], p[1], d[1], ceil);
            if (ho < 1 || wo < 1)
                throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.Shape)} is too small for kernel {ShapeUtil.Format(k)} (output {ho}×{wo})");
            return new PoolGeometry(x.Size(2), x.Size(3), k, s, p, d, ho, wo);
        }

        private static int OutSize(int n, int k, int s, int p, int d, bool ceil)
        {
            int num = n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
            int o = (int)Math.Floor(num / (double)s) + 1;
            if (ceil && (o - 1) * s >= n + p) o--;
            return o;
        }

        private int Extent(int i) => (i == 0 ? Ho - 1 : Wo - 1) * S[i] + D[i] * (K[i] - 1) + 1;

        /// <summary>Pads for Tensor.Pad: P before, and after enough to hold every window (the ceil overhang included).</summary>
        public int[] PadList()
        {
            int afterH = Math.Max(P[0], Extent(0) - H - P[0]), afterW = Math.Max(P[1], Extent(1) - W - P[1]);
            return new[] { P[1], afterW, P[0], afterH };
        }

        /// <summary>[N, C, K, Ho, Wo]: every kernel tap's strided view of the padded input, stacked.</summary>
        public Tensor Windows(Tensor padded)
        {
            var taps = new Tensor[K[0] * K[1]];
            for (int i = 0; i < K[0]; i++)
            for (int j = 0; j < K[1]; j++)
                taps[i * K[1] + j] = padded.Slice(2, i * D[0], i * D[0] + (Ho - 1) * S[0] + 1, S[0])
                                           .Slice(3, j * D[1], j * D[1] + (Wo - 1) * S[1] + 1, S[1]);
            return taps.Length == 1 ? taps[0].Unsqueeze(2) : Tensor.Stack(taps, 2);
        }

        /// <summary>[Ho, Wo] element counts per window: the input (and, when counted, its zero padding), never the overhang.</summary>
        public Tensor Divisor(bool countIncludePad)
        {
            using var _ = GradMode.Disable();
            int hp = H + 2 * P[0], wp = W + 2 * P[1];
            var mask = countIncludePad
                ? Tensor.Ones(1, 1, hp, wp)
                : Tensor.Ones(1, 1, H, W).Pad(new[] { P[1], P[1], P[0], P[0] });
            var pads = PadList();
            mask = mask.Pad(new[] { 0, pads[1] - P[1], 0, pads[3] - P[0] });
            return Windows(mask).Sum(2).Reshape(Ho, Wo);
        }
    }
}
