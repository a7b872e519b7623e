using System.Numerics.Tensors;
using MedFM.Tensors;
using Tensor = MedFM.Tensors.Tensor;
using MedFM.Tensors.Memory;
using static MedFM.Bench.Kernels.TransformerBenchKit;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `softmax`: the fused Tensor.Softmax / LogSoftmax on transformer shapes (ViT-B attention probabilities, a SAM
/// global-attention row block, class logits, a per-pixel softmax over channels, a training step), in GB/s of
/// input + output, next to TensorPrimitives.SoftMax run row by row (one thread, preallocated output), the composed
/// reference, and PyTorch's F.softmax on the same shapes and thread count.
/// </summary>
public sealed class SoftmaxBench : IBenchCommand
{
    private sealed record Case(string Name, int[] X, int Dim, bool Log = false, bool Backward = false);

    private static readonly Case[] Cases =
    {
        new("ViT-B/16 probs [12*197, 197]", new[] { 12 * 197, 197 }, -1),
        new("ViT-B/16 probs, batch 8 [8*12*197, 197]", new[] { 8 * 12 * 197, 197 }, -1),
        new("SAM global row block [4096, 4096]", new[] { 4096, 4096 }, -1),
        new("log_softmax logits [2048, 1000]", new[] { 2048, 1000 }, -1, Log: true),
        new("over channels [2, 14, 128, 128] dim 1", new[] { 2, 14, 128, 128 }, 1),
        new("train: [8*12*197, 197] fwd+bwd", new[] { 8 * 12 * 197, 197 }, -1, Backward: true),
    };

    public string Name => "softmax";

    public string Description => "fused softmax / log_softmax GB/s vs TensorPrimitives.SoftMax, composed and PyTorch";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("softmax [--threads 2] [--repeats 9] [--cases 1,2,...] [--python /usr/bin/python3] [--no-peer]");
            for (int i = 0; i < Cases.Length; i++) Console.WriteLine($"  case {i + 1}: {Cases[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--cases", "--python", "--no-peer");
        int threads = args.Int("--threads", 2), repeats = args.Int("--repeats", 9);
        var cases = args.Has("--cases") ? args.Ints("--cases", Array.Empty<int>()).Select(i => Cases[Math.Min(i, Cases.Length) - 1]).ToArray() : Cases;
        Peer? peer = args.Has("--no-peer") ? null : RunPeer(cases.Select(c => (object)new
        {
            name = c.Name, op = c.Log ? "log_softmax" : "softmax", x = c.X, dim = c.Dim, backward = c.Backward,
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
        int n = c.X.Aggregate(1, (a, b) => a * b);
        var data = Random(n, 3, 4f);
        var x = Tensor.Wrap(data, c.X);
        var pool = new BufferPool();
        using var team = new Threads(threads);
        BenchTiming.Settle(100);
        Tensor Fused(Tensor t) => c.Log ? t.LogSoftmax(c.Dim) : t.Softmax(c.Dim);
        Tensor Composed(Tensor t) => c.Log ? t.LogSoftmaxComposed(c.Dim) : t.SoftmaxComposed(c.Dim);
        if (c.Backward)
        {
            var xg = x.Detach().Clone().RequireGrad();
            var g = Tensor.Wrap(Random(n, 4), c.X);
            Action Step(Func<Tensor, Tensor> f) => () => { f(xg).Backward(g); xg.ZeroGrad(); };
            return (Time(Step(Fused), repeats), null, Time(Step(Composed), repeats), 4.0 * n * 4);
        }
        var ours = Time(() => { using var s = TensorScope.Begin(pool); Fused(x); }, repeats);
        var composed = Time(() => { using var s = TensorScope.Begin(pool); Composed(x); }, Math.Min(repeats, 5));
        Timing? yard = null;
        if (!c.Log && (c.Dim == -1 || c.Dim == c.X.Length - 1))
        {
            int len = c.X[^1], rows = n / len;
            var dst = new float[n];
            yard = Time(() =>
            {
                for (int r = 0; r < rows; r++) TensorPrimitives.SoftMax(data.AsSpan(r * len, len), dst.AsSpan(r * len, len));
            }, repeats);
        }
        return (ours, yard, composed, 2.0 * n * 4);
    }
}
