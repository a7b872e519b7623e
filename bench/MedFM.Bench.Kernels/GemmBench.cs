using System.Globalization;
using MedFM.Tensors;
using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;

namespace MedFM.Bench.Kernels;

/// <summary>
/// `gemm`: GFLOP/s of Gemm.Sgemm, managed backend against OpenBLAS (cblas_sgemm from libopenblas.so.0) in the same
/// run, on the same buffers, at each thread count; prints the ratio managed / OpenBLAS and the largest difference
/// between the two results.
/// </summary>
public sealed class GemmBench : IBenchCommand
{
    private sealed record Shape(string Name, int M, int N, int K, bool TransA, bool TransB);

    private static readonly Shape[] Shapes =
    {
        new("256^3 NN", 256, 256, 256, false, false),
        new("1024^3 NN", 1024, 1024, 1024, false, false),
        new("2048^3 NN", 2048, 2048, 2048, false, false),
        new("ViT MLP NN 1576x768 . 768x3072", 1576, 3072, 768, false, false),
        new("ViT MLP NT 1576x768 . (3072x768)^T", 1576, 3072, 768, false, true),
    };

    public string Name => "gemm";

    public string Description => "Sgemm GFLOP/s, managed vs OpenBLAS, 1 and 2 threads (256^3, 1024^3, 2048^3, ViT MLP)";

    public int Run(BenchArgs args)
    {
        if (args.Has("--help"))
        {
            Console.WriteLine("gemm [--threads 1,2] [--repeats 7] [--seconds 1] [--rounds 3] [--shapes 1,2,...] [--managed-only]");
            for (int i = 0; i < Shapes.Length; i++) Console.WriteLine($"  shape {i + 1}: {Shapes[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--seconds", "--rounds", "--shapes", "--managed-only");
        int[] threads = args.Ints("--threads", new[] { 1, 2 });
        var shapes = args.Has("--shapes") ? args.Ints("--shapes", Array.Empty<int>()).Select(i => i <= Shapes.Length ? Shapes[i - 1] : throw new BenchUsageException($"--shapes: no shape {i}")).ToArray() : Shapes;
        var options = new Options(args.Int("--repeats", 7), args.Int("--seconds", 1), args.Int("--rounds", 3), !args.Has("--managed-only"));
        bool withPeer = options.WithPeer;
        if (withPeer && !Gemm.OpenBlasAvailable)
            throw new BenchUsageException("OpenBLAS (libopenblas.so.0) is not installed: apt-get install libopenblas0-pthread, or pass --managed-only");

        PrintHeader(options);
        var table = new BenchTable("shape", "threads", "managed GFLOP/s", "OpenBLAS GFLOP/s", "managed/OpenBLAS", "max |diff|/max|C|");
        var saved = ThreadTeam.Default;
        try
        {
            foreach (var s in shapes)
            foreach (int t in threads)
                table.Add(Measure(s, t, options));
        }
        finally
        {
            ThreadTeam.Default = saved;
            Gemm.UseBackend(GemmBackendKind.Managed);
        }
        Console.WriteLine();
        table.Print(Console.Out);
        return 0;
    }

    private static string[] Measure(Shape s, int threads, Options o)
    {
        var rng = new System.Random(1234);
        int aRows = s.TransA ? s.K : s.M, aCols = s.TransA ? s.M : s.K;
        int bRows = s.TransB ? s.N : s.K, bCols = s.TransB ? s.K : s.N;
        var a = Fill(rng, aRows * aCols);
        var b = Fill(rng, bRows * bCols);
        var cManaged = new float[s.M * s.N];
        var cPeer = new float[s.M * s.N];
        double flops = 2.0 * s.M * s.N * s.K;
        using var team = new ThreadTeam(threads);
        ThreadTeam.Default = team;

        void Call(float[] c) => Gemm.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, aCols, b, bCols, 0f, c, s.N);
        double Series(GemmBackendKind kind, float[] c)
        {
            Gemm.UseBackend(kind);
            BenchTiming.Settle();
            return BenchTiming.Median(() => Call(c), 2, o.Repeats, o.Seconds);
        }

        // Rounds alternate the two backends; each reports its best median (the round least disturbed by other load).
        double managed = double.MaxValue, peer = double.MaxValue;
        for (int round = 0; round < o.Rounds; round++)
        {
            managed = Math.Min(managed, Series(GemmBackendKind.Managed, cManaged));
            if (o.WithPeer) peer = Math.Min(peer, Series(GemmBackendKind.OpenBlas, cPeer));
        }
        Gemm.UseBackend(GemmBackendKind.Managed);
        string peerRate = "-", ratio = "-", diff = "-";
        if (o.WithPeer)
        {
            peerRate = F(BenchTiming.GFlops(flops, peer), "F1");
            ratio = F(peer / managed, "F2");
            diff = F(ScaledDiff(cManaged, cPeer), "E1");
        }
        Console.WriteLine($"  {s.Name}, {threads} thread(s): managed {managed * 1e3:F2} ms" +
            (o.WithPeer ? $", OpenBLAS {peer * 1e3:F2} ms, ratio {ratio}" : ""));
        return new[] { s.Name, threads.ToString(CultureInfo.InvariantCulture), F(BenchTiming.GFlops(flops, managed), "F1"), peerRate, ratio, diff };
    }

    private sealed record Options(int Repeats, double Seconds, int Rounds, bool WithPeer);

    private static void PrintHeader(Options o)
    {
        Console.WriteLine($"MedFM {EngineInfo.Version}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
            $"{Environment.ProcessorCount} cores; managed kernel {Gemm.SimdLevel}");
        if (o.WithPeer) Console.WriteLine($"peer: OpenBLAS cblas_sgemm (libopenblas.so.0, core {Gemm.OpenBlasCore ?? "?"})");
        Console.WriteLine($"per backend: {o.Rounds} rounds (alternating backends) of 2 warm-up calls + at least {o.Repeats} timed calls " +
            $"and {o.Seconds:F0} s; the best round's median is reported. alpha = 1, beta = 0, row-major, dense operands");
    }

    private static float[] Fill(System.Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static double ScaledDiff(float[] x, float[] y)
    {
        double scale = 1e-30, err = 0;
        for (int i = 0; i < x.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(y[i]));
            err = Math.Max(err, Math.Abs(x[i] - y[i]));
        }
        return err / scale;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
