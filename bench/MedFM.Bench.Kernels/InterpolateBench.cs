using System.Globalization;
using MedFM.Tensors;
using MedFM.Tensors.Memory;
using MedFM.Tensors.Parallel;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `interp`: the resizes of the model presets and post-processing (SAM's mask upsampling, MedSAM's antialiased
/// bicubic resize, ViT preprocessing of a large image, feature-map and label upsampling, a trilinear volume resize)
/// through Tensor.Interpolate, next to PyTorch on the same shapes and thread count. Ratio = PyTorch / MedFM.
/// </summary>
public sealed class InterpolateBench : IBenchCommand
{
    private sealed record Case(string Name, int[] X, int[] Size, string Mode, bool? AlignCorners, bool Antialias, bool Backward);

    private static readonly Case[] Cases =
    {
        new("SAM masks bilinear 3x256^2 -> 1024^2", new[] { 1, 3, 256, 256 }, new[] { 1024, 1024 }, "bilinear", false, false, false),
        new("MedSAM bicubic aa 3x512^2 -> 1024^2", new[] { 1, 3, 512, 512 }, new[] { 1024, 1024 }, "bicubic", false, true, false),
        new("ViT input bicubic aa 3x1024^2 -> 224^2", new[] { 1, 3, 1024, 1024 }, new[] { 224, 224 }, "bicubic", false, true, false),
        new("bilinear aa 3x1024^2 -> 256^2", new[] { 1, 3, 1024, 1024 }, new[] { 256, 256 }, "bilinear", false, true, false),
        new("features bilinear ac 256x64^2 -> 128^2", new[] { 1, 256, 64, 64 }, new[] { 128, 128 }, "bilinear", true, false, false),
        new("labels nearest 1x512^2 -> 1024^2", new[] { 1, 1, 512, 512 }, new[] { 1024, 1024 }, "nearest", null, false, false),
        new("volume trilinear 1x64x96^2 -> 96x144^2", new[] { 1, 1, 64, 96, 96 }, new[] { 96, 144, 144 }, "trilinear", false, false, false),
        new("train: bilinear 64x64^2 -> 256^2 fwd+bwd", new[] { 1, 64, 64, 64 }, new[] { 256, 256 }, "bilinear", false, false, true),
    };

    public string Name => "interp";

    public string Description => "Tensor.Interpolate (bilinear, bicubic, antialias, nearest, trilinear) vs PyTorch (same shapes, same threads)";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("interp [--threads 2] [--repeats 9] [--cases 1,2,...] [--python /usr/bin/python3] [--no-peer]");
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
            $"{Environment.ProcessorCount} cores, {threads} thread(s)");
        Dictionary<string, double>? peer = null;
        string peerName = "-";
        if (!args.Has("--no-peer"))
        {
            (peer, peerName) = TorchPeer.Run(cases.Select(c => (object)new
            {
                name = c.Name, op = "interpolate", x = c.X, size = c.Size, mode = c.Mode, align_corners = c.AlignCorners,
                antialias = c.Antialias, backward = c.Backward,
            }), threads, repeats, args.Get("--python"));
        }
        Console.WriteLine($"peer: {peerName}; median of {repeats} timed calls after 2 warm-ups");

        var table = new BenchTable("case", "MedFM ms", "GB/s (in+out)", "PyTorch ms", "PyTorch/MedFM");
        var saved = ThreadTeam.Default;
        using var team = new ThreadTeam(threads);
        ThreadTeam.Default = team;
        try
        {
            foreach (var c in cases)
            {
                var (ours, bytes) = Measure(c, repeats);
                double? torch = peer is not null && peer.TryGetValue(c.Name, out var t) ? t : null;
                table.Add(c.Name, F(ours * 1e3, "F2"), F(bytes / ours * 1e-9, "F2"),
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

    private static (double Seconds, double Bytes) Measure(Case c, int repeats)
    {
        var x = Tensor.Randn(new Tensors.Random.Generator(3), c.X);
        Tensor Op(Tensor a) => Tensor.Interpolate(a, c.Size, null, c.Mode, c.AlignCorners, null, c.Antialias);
        var y0 = Op(x);
        double bytes = 4.0 * (x.Numel + y0.Numel) * (c.Backward ? 2 : 1);
        Action call;
        if (c.Backward)
        {
            var gy = Tensor.Randn(new Tensors.Random.Generator(4), y0.ShapeArray());
            var xg = x.Detach().RequireGrad();
            call = () =>
            {
                Op(xg).Backward(gy);
                xg.Grad = null;
            };
        }
        else
        {
            var pool = new BufferPool();
            call = () =>
            {
                using var scope = TensorScope.Begin(pool);
                Op(x);
            };
        }
        BenchTiming.Settle();
        return (BenchTiming.Median(call, 2, repeats, 0.5), bytes);
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
