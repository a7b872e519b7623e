using MedFM.Tensors;
using MedFM.Tensors.Memory;
using MedFM.Tensors.Random;
using static MedFM.Bench.Kernels.TransformerBenchKit;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `attention`: the fused streaming Tensor.ScaledDotProductAttention / AttentionDecomposedRelPos against the composed
/// reference (which materialises the [heads, Lq, Lk] scores) and PyTorch's softmax(q·s @ kᵀ [+ rel pos]) @ v (torch
/// 1.13 has no fused SDPA) on ViT-B (N = 197, 12 heads, E = 64, batch 1 and 8, inference and a training step) and SAM
/// ViT-B (windowed 14×14 and global 64×64 attention with the decomposed relative position bias). Memory: managed
/// bytes allocated by one call (fused vs composed), the size of one full score matrix, and the growth of PyTorch's
/// peak RSS during the case.
/// </summary>
public sealed class AttentionBench : IBenchCommand
{
    /// <param name="RelPos">qh, qw, kh, kw of SAM's decomposed relative position bias, or null.</param>
    private sealed record Case(string Name, int[] Q, int L, int[]? RelPos = null, bool Backward = false);

    private static readonly Case[] Cases =
    {
        new("ViT-B N=197, 12 heads, batch 1", new[] { 1, 12, 197, 64 }, 197),
        new("ViT-B N=197, 12 heads, batch 8", new[] { 8, 12, 197, 64 }, 197),
        new("train: ViT-B N=197, batch 8 fwd+bwd", new[] { 8, 12, 197, 64 }, 197, Backward: true),
        new("SAM windows 25x12 heads N=196 + rel pos", new[] { 25 * 12, 196, 64 }, 196, new[] { 14, 14, 14, 14 }),
        new("SAM global N=4096, 12 heads", new[] { 12, 4096, 64 }, 4096),
        new("SAM global N=4096, 12 heads + rel pos", new[] { 12, 4096, 64 }, 4096, new[] { 64, 64, 64, 64 }),
    };

    public string Name => "attention";

    public string Description => "fused streaming attention vs composed and PyTorch (ViT-B N=197, SAM N=196 windows and N=4096 global): time and memory";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("attention [--threads 2] [--repeats 5] [--cases 1,2,...] [--python /usr/bin/python3] [--no-peer] [--no-composed-large]");
            for (int i = 0; i < Cases.Length; i++) Console.WriteLine($"  case {i + 1}: {Cases[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--cases", "--python", "--no-peer", "--no-composed-large");
        int threads = args.Int("--threads", 2), repeats = args.Int("--repeats", 5);
        var cases = args.Has("--cases") ? args.Ints("--cases", Array.Empty<int>()).Select(i => Cases[Math.Min(i, Cases.Length) - 1]).ToArray() : Cases;
        Peer? peer = args.Has("--no-peer") ? null : RunPeer(cases.Select(c => (object)new
        {
            name = c.Name, op = "attention", q = c.Q, k = c.Q, rel_pos = c.RelPos, backward = c.Backward,
        }), threads, repeats, args.Get("--python"));
        PrintHeader(threads, peer?.Name, repeats);
        var table = new BenchTable("case", "fused ms", "GFLOP/s", "composed ms", "composed/fused", "PyTorch ms", "PyTorch/fused",
            "fused alloc MB", "composed alloc MB", "scores MB", "PyTorch RSS+ MB");
        foreach (var c in cases)
        {
            bool composedToo = !(args.Has("--no-composed-large") && c.L > 1024);
            var r = Measure(c, threads, repeats, composedToo);
            Timing? pt = peer is not null && peer.Times.TryGetValue(c.Name, out var t) ? t : null;
            long heads = c.Q[..^2].Aggregate(1L, (a, b) => a * b);
            double flops = 4.0 * heads * c.L * c.L * c.Q[^1] * (c.Backward ? 3.5 : 1);
            table.Add(c.Name, Ms(r.Fused), F(flops / r.Fused.Min * 1e-9, "F1"),
                r.Composed is null ? "-" : Ms(r.Composed.Value), r.Composed is null ? "-" : Ratio(r.Composed.Value, r.Fused),
                pt is null ? "-" : Ms(pt.Value), pt is null ? "-" : Ratio(pt.Value, r.Fused),
                Mb(r.FusedBytes), r.Composed is null ? "-" : Mb(r.ComposedBytes), Mb(heads * c.L * (double)c.L * 4),
                peer is not null && peer.RssGrowth.TryGetValue(c.Name, out var rss) ? Mb(rss) : "-");
            Console.WriteLine($"  {c.Name}: fused {r.Fused.Median * 1e3:F1} ms" + (r.Composed is null ? "" : $", composed {r.Composed.Value.Median * 1e3:F1} ms"));
        }
        Console.WriteLine();
        Console.WriteLine("ms: median (best); GFLOP/s from the best call (4·heads·L²·E per forward, ×3.5 for forward+backward);");
        Console.WriteLine("alloc MB: managed bytes allocated by one call (outputs included); scores MB: one [heads, L, L] float32 matrix");
        table.Print(Console.Out);
        return 0;
    }

    private sealed record Result(Timing Fused, Timing? Composed, long FusedBytes, long ComposedBytes);

    private static Result Measure(Case c, int threads, int repeats, bool composedToo)
    {
        var gen = new Generator(17);
        var q = Tensor.Randn(gen, c.Q);
        var k = Tensor.Randn(gen, c.Q);
        var v = Tensor.Randn(gen, c.Q);
        Tensor? relH = null, relW = null;
        if (c.RelPos is { } rp)
        {
            relH = Tensor.Randn(gen, new[] { c.Q[0], rp[0], rp[1], rp[2] });
            relW = Tensor.Randn(gen, new[] { c.Q[0], rp[0], rp[1], rp[3] });
        }
        float scale = 1f / MathF.Sqrt(c.Q[^1]);
        Tensor Fused(Tensor a, Tensor b, Tensor d) => relH is null
            ? Tensor.ScaledDotProductAttention(a, b, d, scale: scale)
            : Tensor.AttentionDecomposedRelPos(a, b, d, relH, relW!, scale);
        Tensor Composed(Tensor a, Tensor b, Tensor d)
        {
            if (relH is null) return Tensor.AttentionComposed(a, b, d, scale: scale);
            var rp = c.RelPos!;
            var bias = relH.Unsqueeze(-1).Add(relW!.Unsqueeze(-2)).Reshape(c.Q[0], rp[0] * rp[1], rp[2] * rp[3]); // [B, qh·qw, kh·kw]
            return Tensor.AttentionComposed(a, b, d, bias, scale);
        }
        var pool = new BufferPool();
        using var team = new Threads(threads);
        BenchTiming.Settle(100);
        Action Call(Func<Tensor, Tensor, Tensor, Tensor> f)
        {
            if (!c.Backward) return () => { using var s = TensorScope.Begin(pool); f(q, k, v); };
            var (qg, kg, vg) = (q.Detach().Clone().RequireGrad(), k.Detach().Clone().RequireGrad(), v.Detach().Clone().RequireGrad());
            var g = Tensor.Randn(new Generator(3), c.Q);
            return () =>
            {
                f(qg, kg, vg).Backward(g);
                qg.ZeroGrad();
                kg.ZeroGrad();
                vg.ZeroGrad();
            };
        }
        var fusedCall = Call(Fused);
        var fused = Time(fusedCall, repeats, minSeconds: 1);
        long fusedBytes = Allocated(() => { if (c.Backward) fusedCall(); else Fused(q, k, v); });
        if (!composedToo) return new Result(fused, null, fusedBytes, 0);
        var composedCall = Call(Composed);
        var composed = c.L > 1024 ? Time(composedCall, 2, minSeconds: 0, warmup: 1) : Time(composedCall, repeats, minSeconds: 1);
        long composedBytes = Allocated(() => { if (c.Backward) composedCall(); else Composed(q, k, v); });
        return new Result(fused, composed, fusedBytes, composedBytes);
    }
}
