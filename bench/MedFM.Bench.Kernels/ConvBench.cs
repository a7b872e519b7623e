using System.Globalization;
using MedFM.Tensors;
using MedFM.Tensors.Kernels;
using MedFM.Tensors.Memory;
using MedFM.Tensors.Parallel;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `conv`: the convolutions of ViT and SAM (patch embeddings, SAM's neck and mask-decoder upscaling, a ResNet stem)
/// through Tensor.Conv2d / ConvTranspose2d, next to the bare GEMM of the same product (how close the op is to
/// GEMM speed) and to PyTorch on the same shapes and thread count (bench/tensors/spatial_peer.py, run through
/// bench/peers/torch-tuned.sh unless --python is given). Ratio = PyTorch time / MedFM time (above 1: MedFM faster).
/// </summary>
public sealed class ConvBench : IBenchCommand
{
    private sealed record Case(string Name, string Op, int[] X, int[] W, int Stride, int Padding, int Groups, bool Backward);

    private static readonly Case[] Cases =
    {
        new("ViT-B patch embed 3x224^2 k16s16 ->768", "conv2d", new[] { 1, 3, 224, 224 }, new[] { 768, 3, 16, 16 }, 16, 0, 1, false),
        new("SAM patch embed 3x1024^2 k16s16 ->768", "conv2d", new[] { 1, 3, 1024, 1024 }, new[] { 768, 3, 16, 16 }, 16, 0, 1, false),
        new("SAM neck 1x1 768->256 @64^2", "conv2d", new[] { 1, 768, 64, 64 }, new[] { 256, 768, 1, 1 }, 1, 0, 1, false),
        new("SAM neck 3x3 256->256 p1 @64^2", "conv2d", new[] { 1, 256, 64, 64 }, new[] { 256, 256, 3, 3 }, 1, 1, 1, false),
        new("SAM upscale convT k2s2 256->64 @64^2", "conv_transpose2d", new[] { 1, 256, 64, 64 }, new[] { 256, 64, 2, 2 }, 2, 0, 1, false),
        new("ResNet stem 7x7 s2 p3 3->64 @224^2", "conv2d", new[] { 1, 3, 224, 224 }, new[] { 64, 3, 7, 7 }, 2, 3, 1, false),
        new("depthwise 7x7 p3 384 @56^2", "conv2d", new[] { 1, 384, 56, 56 }, new[] { 384, 1, 7, 7 }, 1, 3, 384, false),
        new("train: 3x3 256->256 p1 @64^2 fwd+bwd", "conv2d", new[] { 1, 256, 64, 64 }, new[] { 256, 256, 3, 3 }, 1, 1, 1, true),
        new("train: ViT-B patch embed fwd+bwd, batch 8", "conv2d", new[] { 8, 3, 224, 224 }, new[] { 768, 3, 16, 16 }, 16, 0, 1, true),
    };

    public string Name => "conv";

    public string Description => "Conv2d/ConvTranspose2d of ViT and SAM vs bare GEMM and PyTorch (same shapes, same threads)";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("conv [--threads 2] [--repeats 9] [--cases 1,2,...] [--python /usr/bin/python3] [--no-peer]");
            for (int i = 0; i < Cases.Length; i++) Console.WriteLine($"  case {i + 1}: {Cases[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--cases", "--python", "--no-peer");
        int threads = args.Int("--threads", 2);
        int repeats = args.Int("--repeats", 9);
        var cases = args.Has("--cases")
            ? args.Ints("--cases", Array.Empty<int>()).Select(i => i <= Cases.Length ? Cases[i - 1] : throw new BenchUsageException($"--cases: no case {i}")).ToArray()
            : Cases;
        Console.WriteLine($"MedFM {EngineInfo.Version}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
            $"{Environment.ProcessorCount} cores, {threads} thread(s); GEMM backend {Gemm.BackendName}");
        Dictionary<string, double>? peer = null;
        string peerName = "-";
        if (!args.Has("--no-peer"))
        {
            (peer, peerName) = TorchPeer.Run(cases.Select(c => (object)new
            {
                name = c.Name, op = c.Op, x = c.X, w = c.W, stride = c.Stride, padding = c.Padding, groups = c.Groups, backward = c.Backward,
            }), threads, repeats, args.Get("--python"));
        }
        Console.WriteLine($"peer: {peerName}; median of {repeats} timed calls after 2 warm-ups");

        var table = new BenchTable("case", "MedFM ms", "GEMM-only ms", "op/GEMM", "GFLOP/s", "PyTorch ms", "PyTorch/MedFM");
        var saved = ThreadTeam.Default;
        using var team = new ThreadTeam(threads);
        ThreadTeam.Default = team;
        try
        {
            foreach (var c in cases)
            {
                var (ours, gemm, flops) = Measure(c, repeats);
                double? torch = peer is not null && peer.TryGetValue(c.Name, out var t) ? t : null;
                table.Add(c.Name, F(ours * 1e3, "F2"), F(gemm * 1e3, "F2"), F(ours / gemm, "F2"), F(flops / ours * 1e-9, "F1"),
                    torch is null ? "-" : F(torch.Value * 1e3, "F2"), torch is null ? "-" : F(torch.Value / ours, "F2"));
                Console.WriteLine($"  {c.Name}: {ours * 1e3:F2} ms");
            }
        }
        finally
        {
            ThreadTeam.Default = saved;
        }
        Console.WriteLine();
        table.Print(Console.Out);
        return 0;
    }

    /// <summary>Median seconds of the op, of the bare GEMM(s) of the same product, and the op's multiply-add count × 2.</summary>
    private static (double Op, double Gemm, double Flops) Measure(Case c, int repeats)
    {
        var rng = new Tensors.Random.Generator(7);
        var x = Tensor.Randn(rng, c.X);
        var w = Tensor.Randn(rng, c.W).Mul(0.05f);
        Func<Tensor, Tensor, Tensor> op = c.Op == "conv2d"
            ? (a, b) => Tensor.Conv2d(a, b, null, c.Stride, c.Padding, 1, c.Groups)
            : (a, b) => Tensor.ConvTranspose2d(a, b, null, c.Stride, c.Padding, 0, 1, c.Groups);
        var y0 = op(x, w);
        var (m, n, k, batches) = GemmShape(c, y0);
        double flops = 2.0 * m * n * k * batches * (c.Backward ? 3 : 1);
        var pool = new BufferPool();
        Action call;
        if (c.Backward)
        {
            var gy = Tensor.Randn(rng, y0.ShapeArray());
            var xg = x.Detach().RequireGrad();
            var wg = w.Detach().RequireGrad();
            call = () =>
            {
                op(xg, wg).Backward(gy);
                xg.Grad = null;
                wg.Grad = null;
            };
        }
        else
        {
            call = () =>
            {
                using var scope = TensorScope.Begin(pool);
                op(x, w);
            };
        }
        BenchTiming.Settle();
        double ours = BenchTiming.Median(call, 2, repeats, 0.5);
        var a = new float[m * k];
        var b = new float[k * n];
        var cc = new float[m * n];
        BenchTiming.Settle();
        double gemm = BenchTiming.Median(() =>
        {
            for (int i = 0; i < batches * (c.Backward ? 3 : 1); i++) Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, cc, n);
        }, 2, repeats, 0.5);
        return (ours, gemm, flops);
    }

    /// <summary>The product one batch item and group computes: [m, k] · [k, n], and how many of them.</summary>
    private static (int M, int N, int K, int Count) GemmShape(Case c, Tensor y)
    {
        int kvol = c.W[2] * c.W[3];
        if (c.Op == "conv2d")
            return (c.W[0] / c.Groups, y.Size(2) * y.Size(3), c.W[1] * kvol, c.X[0] * c.Groups);
        // Transposed: columns [Cout/g · kvol, L_in] = Wᵀ [Cout/g · kvol, Cin/g] · x [Cin/g, L_in].
        return (c.W[1] * kvol, c.X[2] * c.X[3], c.W[0] / c.Groups, c.X[0] * c.Groups);
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
