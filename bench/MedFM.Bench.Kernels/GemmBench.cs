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
            Console.WriteLine("gemm [--threads 1,2] [--repeats 7] [--seconds 1] [--shapes 1,2,...] [--managed-only]");
            for (int i = 0; i < Shapes.Length; i++) Console.WriteLine($"  shape {i + 1}: {Shapes[i].Name}");
            return 0;
        }
        args.RejectUnknown("--threads", "--repeats", "--seconds", "--shapes", "--managed-only");
        int[] threads = args.Ints("--threads", new[] { 1, 2 });
        int repeats = args.Int("--repeats", 7);
        double seconds = args.Int("--seconds", 1);
        var shapes = args.Has("--shapes") ? args.Ints("--shapes", Array.Empty<int>()).Select(i => i <= Shapes.Length ? Shapes[i - 1] : throw new BenchUsageException($"--shapes: no shape {i}")).ToArray() : Shapes;
        bool withPeer = !args.Has("--managed-only");
        if (withPeer && !Gemm.OpenBlasAvailable)
            throw new BenchUsageException("OpenBLAS (libopenblas.so.0) is not installed: apt-get install libopenblas0-pthread, or pass --managed-only");

        PrintHeader(withPeer);
        var table = new BenchTable("shape", "threads", "managed GFLOP/s", "OpenBLAS GFLOP/s", "managed/OpenBLAS", "max |diff|/max|C|");
        var saved = ThreadTeam.Default;
        try
        {
            foreach (var s in shapes)
            foreach (int t in threads)
                table.Add(Measure(s, t, repeats, seconds, withPeer));
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

    private static string[] Measure(Shape s, int threads, int repeats, double seconds, bool withPeer)
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

        Gemm.UseBackend(GemmBackendKind.Managed);
        BenchTiming.Settle();
        double managed = BenchTiming.Median(() => Call(cManaged), 2, repeats, seconds);
        string peerRate = "-", ratio = "-", diff = "-";
        if (withPeer)
        {
            Gemm.UseBackend(GemmBackendKind.OpenBlas);
            BenchTiming.Settle();
            double peer = BenchTiming.Median(() => Call(cPeer), 2, repeats, seconds);
            Gemm.UseBackend(GemmBackendKind.Managed);
            peerRate = F(BenchTiming.GFlops(flops, peer), "F1");
            ratio = F(peer / managed, "F2");
            diff = F(ScaledDiff(cManaged, cPeer), "E1");
        }
        Console.WriteLine($"  {s.Name}, {threads} thread(s): managed {managed * 1e3:F2} ms" + (withPeer ? $", ratio {ratio}" : ""));
        return new[] { s.Name, threads.ToString(CultureInfo.InvariantCulture), F(BenchTiming.GFlops(flops, managed), "F1"), peerRate, ratio, diff };
    }

    private static void PrintHeader(bool withPeer)
    {
        Console.WriteLine($"MedFM {EngineInfo.Version}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
            $"{Environment.ProcessorCount} cores; managed kernel {Gemm.SimdLevel}");
        if (withPeer) Console.WriteLine($"peer: OpenBLAS cblas_sgemm (libopenblas.so.0, core {Gemm.OpenBlasCore ?? "?"})");
        Console.WriteLine("median of timed runs after 2 warm-up calls; alpha = 1, beta = 0, row-major, dense operands");
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
