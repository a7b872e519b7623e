using System.Numerics.Tensors;
using MedFM.Tensors;
using MedFM.Tensors.Memory;
using Tensor = MedFM.Tensors.Tensor;
using static MedFM.Bench.Kernels.TransformerBenchKit;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `layernorm`: the fused Tensor.LayerNorm (ViT-B and SAM token widths) and Tensor.LayerNorm2d (SAM's neck), forward
/// and training step, in GB/s of input + output, next to a TensorPrimitives row-by-row layer norm (Sum, Subtract,
/// SumOfSquares, Multiply, MultiplyAdd: one thread, preallocated output), the composed reference and PyTorch
/// (F.layer_norm; LayerNorm2d as segment-anything's common.py writes it) on the same shapes and thread count.
/// </summary>
public sealed class LayerNormBench : IBenchCommand
{
    private sealed record Case(string Name, int[] X, bool Channels = false, bool Backward = false);

    private static readonly Case[] Cases =
    {
        new("ViT-B tokens [197, 768]", new[] { 197, 768 }),
        new("ViT-B tokens, batch 8 [8*197, 768]", new[] { 8 * 197, 768 }),
        new("SAM ViT-B tokens [4096, 768]", new[] { 4096, 768 }),
        new("SAM neck LayerNorm2d [1, 256, 64, 64]", new[] { 1, 256, 64, 64 }, Channels: true),
        new("train: [8*197, 768] fwd+bwd", new[] { 8 * 197, 768 }, Backward: true),
        new("train: LayerNorm2d [1, 256, 64, 64] fwd+bwd", new[] { 1, 256, 64, 64 }, Channels: true, Backward: true),
    };

    public string Name => "layernorm";

    public string Description => "fused layer norm / LayerNorm2d GB/s vs a TensorPrimitives row loop, composed and PyTorch";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("layernorm [--threads 2] [--repeats 9] [--cases 1,2,...] [--python /usr/bin/python3] [--no-peer]");
            for (int i = 0; i < Cases.Length; i++) Console.WriteLine($"  case {i + 1}: {Cases[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--cases", "--python", "--no-peer");
        int threads = args.Int("--threads", 2), repeats = args.Int("--repeats", 9);
        var cases = args.Has("--cases") ? args.Ints("--cases", Array.Empty<int>()).Select(i => Cases[Math.Min(i, Cases.Length) - 1]).ToArray() : Cases;
        Peer? peer = args.Has("--no-peer") ? null : RunPeer(cases.Select(c => (object)new
        {
            name = c.Name, op = c.Channels ? "layer_norm2d" : "layer_norm", x = c.X, normalized = new[] { c.X[^1] }, backward = c.Backward,
        }), threads, repeats, args.Get("--python"));
        PrintHeader(threads, peer?.Name, repeats);
        var table = new BenchTable("case", "MedFM ms", "MedFM GB/s", "TensorPrimitives GB/s (1 thr)", "composed ms", "PyTorch ms", "PyTorch/MedFM");
        foreach (var c in cases)
        {
            var (ours, yard, composed, bytes) = Measure(c, threads, repeats);
            Timing? pt = peer is not null && peer.Times.TryGetValue(c.Name, out var t) ? t : null;
            table.Add(c.Name, Ms(ours), F(bytes / ours.Min * 1e-9, "F1"), yard is null ? "-" : F(bytes / yard.Value.Min * 1e-9, "F1"),
                Ms(composed), pt is null ? "-" : Ms(pt.Value), pt is null ? "-" : Ratio(pt.Value, ours));
            Console.WriteLine($"  {c.Name}: {ours.Median * 1e3:F2} ms");
        }
        Console.WriteLine();
        Console.WriteLine("ms: median (best); GB/s = (input + output) bytes / best time (training: x, y, g, dx)");
        table.Print(Console.Out);
        return 0;
    }

    private static (Timing Ours, Timing? Yardstick, Timing Composed, double Bytes) Measure(Case c, int threads, int repeats)
    {
        int n = c.X.Aggregate(1, (a, b) => a * b), width = c.Channels ? c.X[1] : c.X[^1];
        var data = Random(n, 5, 2f);
        var x = Tensor.Wrap(data, c.X);
        var w = Tensor.Wrap(Random(width, 6), width);
        var b = Tensor.Wrap(Random(width, 7), width);
        var pool = new BufferPool();
        using var team = new Threads(threads);
        BenchTiming.Settle(100);
        Tensor Fused(Tensor t, Tensor wt, Tensor bt) => c.Channels ? Tensor.LayerNorm2d(t, wt, bt, 1e-6f) : Tensor.LayerNorm(t, new[] { width }, wt, bt);
        Tensor Composed(Tensor t, Tensor wt, Tensor bt) => c.Channels ? Composed2d(t, wt, bt) : Tensor.LayerNormComposed(t, 1, wt, bt, 1e-5f);
        if (c.Backward)
        {
            var (xg, wg, bg) = (x.Detach().Clone().RequireGrad(), w.Detach().Clone().RequireGrad(), b.Detach().Clone().RequireGrad());
            var g = Tensor.Wrap(Random(n, 8), c.X);
            Action Step(Func<Tensor, Tensor, Tensor, Tensor> f) => () =>
            {
                f(xg, wg, bg).Backward(g);
                xg.ZeroGrad();
                wg.ZeroGrad();
                bg.ZeroGrad();
            };
            return (Time(Step(Fused), repeats), null, Time(Step(Composed), Math.Min(repeats, 5)), 4.0 * n * 4);
        }
        var ours = Time(() => { using var s = TensorScope.Begin(pool); Fused(x, w, b); }, repeats);
        var composed = Time(() => { using var s = TensorScope.Begin(pool); Composed(x, w, b); }, Math.Min(repeats, 5));
        Timing? yard = null;
        if (!c.Channels)
        {
            var dst = new float[n];
            var wa = w.ToArray();
            var ba = b.ToArray();
            yard = Time(() => PrimitivesLayerNorm(data, wa, ba, dst, width), repeats);
        }
        return (ours, yard, composed, 2.0 * n * 4);
    }

    /// <summary>Two-pass layer norm per row with TensorPrimitives span ops.</summary>
    private static void PrimitivesLayerNorm(float[] x, float[] w, float[] b, float[] d, int width)
    {
        for (int r = 0; r < x.Length / width; r++)
        {
            var xs = x.AsSpan(r * width, width);
            var ds = d.AsSpan(r * width, width);
            float mean = TensorPrimitives.Sum(xs) / width;
            TensorPrimitives.Subtract(xs, mean, ds);
            float rstd = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(ds) / width + 1e-5f);
            TensorPrimitives.Multiply(ds, rstd, ds);
            TensorPrimitives.MultiplyAdd(ds, w, b, ds);
        }
    }

    /// <summary>SAM's LayerNorm2d composed of primitive ops (segment_anything/modeling/common.py).</summary>
    private static Tensor Composed2d(Tensor x, Tensor w, Tensor b)
    {
        int c = x.Size(1);
        var u = x.Mean(1, keepDim: true);
        var s = x.Sub(u).Square().Mean(1, keepDim: true);
        return x.Sub(u).Div(s.Add(1e-6f).Sqrt()).Mul(w.Reshape(1, c, 1, 1)).Add(b.Reshape(1, c, 1, 1));
    }
}
