using MedFM.Fuzz;
using MedFM.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Fuzz;

/// <summary>
/// Runs the seeded fuzzer of tools/MedFM.Fuzz on one format: every mutated input (bit flips, truncation,
/// length-field corruption, ...) must decode or throw a typed imaging exception, within 1 s, allocating no more
/// than the format's budget for its size. The standalone program runs the same targets for millions of inputs.
/// </summary>
internal static class FuzzAssert
{
    public const int Inputs = 10_000;
    public const int Seed = 20240611;

    public static void NoFailures(string target, ITestOutputHelper output)
    {
        var t = FuzzTargets.Named(target);
        var seeds = t.SeedFiles.Select(f => File.ReadAllBytes(Path.Combine(RepoPaths.Root, f))).ToArray();
        var report = FuzzRunner.Run(t, seeds, Inputs, Seed);
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0,
            $"{report}\n" + string.Join("\n", report.Failures.Take(3).Select(f => $"iteration {f.Iteration}: {f.Detail}")));
        Assert.True(report.Decoded > Inputs / 100, $"only {report.Decoded} inputs decoded: the mutations no longer reach the decoder");
    }
}
