using System.Numerics.Tensors;
using MedFM.Tensors;
using Tensor = MedFM.Tensors.Tensor;
using MedFM.Tensors.Memory;
using static MedFM.Bench.Kernels.TransformerBenchKit;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `eltwise`: memory-bound elementwise ops through the Tensor API (add, mul, GELU erf and tanh, GELU forward+backward),
/// in GB/s of input + output traffic, next to System.Numerics.Tensors.TensorPrimitives on the same data (one thread,
/// preallocated output: the yardstick of a plain vectorised loop; GELU, which TensorPrimitives lacks, as its
/// composed tanh form in 8 span passes) and PyTorch on the same sizes. MedFM ops run inside a TensorScope (pooled outputs), as inference does.
/// </summary>
public sealed class EltwiseBench : IBenchCommand
{
    private sealed record Case(string Name, string Op, int N, bool Backward = false);

    private static readonly Case[] Cases =
    {
        new("add 1M", "add", 1 << 20),
        new("add 16M", "add", 1 << 24),
        new("mul 16M", "mul", 1 << 24),
        new("gelu 1M", "gelu", 1 << 20),
        new("gelu 16M", "gelu", 1 << 24),
        new("gelu tanh 16M", "gelu_tanh", 1 << 24),
        new("train: gelu 4M fwd+bwd", "gelu", 1 << 22, Backward: true),
    };

    public string Name => "eltwise";

    public string Description => "add / mul / GELU GB/s: Tensor ops vs TensorPrimitives and PyTorch (same data, same threads)";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("eltwise [--threads 1,2] [--repeats 9] [--cases 1,2,...] [--python /usr/bin/python3] [--no-peer]");
            for (int i = 0; i < Cases.Length; i++) Console.WriteLine($"  case {i + 1}: {Cases[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--cases", "--python", "--no-peer");
        int[] threads = args.Ints("--threads", new[] { 2 });
        int repeats = args.Int("--repeats", 9);
        var cases = args.Has("--cases") ? args.Ints("--cases", Array.Empty<int>()).Select(i => Cases[Math.Min(i, Cases.Length) - 1]).ToArray() : Cases;
        var peers = new Dictionary<int, Peer>();
        if (!args.Has("--no-peer"))
        {
            foreach (int t in threads)
                peers[t] = RunPeer(cases.Select(c => (object)new
                {
                    name = c.Name, op = c.Op.StartsWith("gelu", StringComparison.Ordinal) ? "gelu" : c.Op, n = c.N,
                    approximate = c.Op == "gelu_tanh" ? "tanh" : "none", backward = c.Backward,
                }), t, repeats, args.Get("--python"));
        }
        PrintHeader(threads.Max(), peers.Values.FirstOrDefault()?.Name, repeats);
        var table = new BenchTable("case", "threads", "MedFM ms", "MedFM GB/s", "TensorPrimitives GB/s (1 thr)", "PyTorch ms", "PyTorch/MedFM");
        foreach (var c in cases)
        foreach (int t in threads)
        {
            var (ours, yard, bytes) = Measure(c, t, repeats);
            var peer = peers.TryGetValue(t, out var p) && p.Times.TryGetValue(c.Name, out var pt) ? pt : (Timing?)null;
            table.Add(c.Name, t.ToString(), Ms(ours), F(bytes / ours.Min * 1e-9, "F1"), yard is null ? "-" : F(bytes / yard.Value.Min * 1e-9, "F1"),
                peer is null ? "-" : Ms(peer.Value), peer is null ? "-" : Ratio(peer.Value, ours));
            Console.WriteLine($"  {c.Name}, {t} thread(s): {ours.Median * 1e3:F2} ms");
        }
        Console.WriteLine();
        Console.WriteLine("ms: median (best); GB/s from the best call; TensorPrimitives runs on one thread into a preallocated output; its GELU is the composed tanh form (8 passes)");
        table.Print(Console.Out);
        return 0;
    }

    private static (Timing Ours, Timing? Yardstick, double Bytes) Measure(Case c, int threads, int repeats)
    {
        var xa = Random(c.N, 1, 3f);
        var ya = Random(c.N, 2, 3f);
        var x = Tensor.Wrap(xa, c.N);
        var y = Tensor.Wrap(ya, c.N);
        var dst = new float[c.N];
        var pool = new BufferPool();
        using var team = new Threads(threads);
        BenchTiming.Settle(100);
        if (c.Backward)
        {
            var xg = x.Detach().Clone().RequireGrad();
            var g = Tensor.Wrap(ya, c.N);
            var train = Time(() =>
            {
                xg.Gelu().Backward(g);
                xg.ZeroGrad();
            }, repeats);
            return (train, null, 4.0 * c.N * 4);   // forward x → y, backward (x, g) → dx
        }
        Action ours = c.Op switch
        {
            "add" => () => { using var s = TensorScope.Begin(pool); x.Add(y); },
            "mul" => () => { using var s = TensorScope.Begin(pool); x.Mul(y); },
            "gelu" => () => { using var s = TensorScope.Begin(pool); x.Gelu(); },
            _ => () => { using var s = TensorScope.Begin(pool); x.Gelu("tanh"); },
        };
        Action yard = c.Op switch
        {
            "add" => () => TensorPrimitives.Add(xa, ya, dst),
            "mul" => () => TensorPrimitives.Multiply(xa, ya, dst),
            _ => () => TanhGelu(xa, dst),
        };
        double bytes = (c.Op is "add" or "mul" ? 3.0 : 2.0) * c.N * 4;
        return (Time(ours, repeats), Time(yard, repeats), bytes);
    }

    /// <summary>0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) with TensorPrimitives span ops.</summary>
    private static void TanhGelu(float[] x, float[] d)
    {
        TensorPrimitives.Multiply(x, x, d);                            // x²
        TensorPrimitives.Multiply(d, 0.044715f * 0.7978845608f, d);
        TensorPrimitives.Add(d, 0.7978845608f, d);                     // k(1 + c x²)
        TensorPrimitives.Multiply(d, x, d);                            // k(x + c x³)
        TensorPrimitives.Tanh(d, d);
        TensorPrimitives.Add(d, 1f, d);
        TensorPrimitives.Multiply(d, x, d);
        TensorPrimitives.Multiply(d, 0.5f, d);                         // ½x(1 + tanh)
    }
}
