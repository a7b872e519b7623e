using System.Text.Json;
using MedFM.Fuzz;
using MedFM.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>
/// Seeded mutations (bit flips, byte overwrites, truncations, insertions, deletions, length-field corruption) of each
/// checkpoint fixture type: every input must load or throw a typed checkpoint exception, within 1 s and a bounded
/// allocation. Iteration i uses Random(seed·1000003 + i), so a failure replays alone.
/// </summary>
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 2500;
    private const int Seed = 20240917;

    private void Run(IFuzzTarget target, IReadOnlyList<byte[]> seeds)
    {
        var report = FuzzRunner.Run(target, seeds, Inputs, Seed);
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0,
            $"{report}\n" + string.Join("\n", report.Failures.Take(3).Select(f => $"iteration {f.Iteration}: {f.Detail}")));
        Assert.True(report.Decoded > Inputs / 100, $"only {report.Decoded} inputs decoded: the mutations no longer reach the reader");
        Assert.True(report.Rejected > Inputs / 10, $"only {report.Rejected} inputs rejected: the mutations are not reaching the checks");
    }

    private static byte[][] SeedsOf(IFuzzTarget t) => t.SeedFiles.Select(f => File.ReadAllBytes(Path.Combine(RepoPaths.Root, f))).ToArray();

    [Fact]
    public void Safetensors() { var t = new SafetensorsTarget(); Run(t, SeedsOf(t)); }

    [Fact]
    public void TorchZip()
    {
        var t = new TorchTarget("torch-zip", "all_dtypes_zip.pth", "nested_model_zip.pth", "state_dict_p4_zip.pth", "renamed_archive.pth", "malicious_os_system.pth");
        Run(t, SeedsOf(t));
    }

    [Fact]
    public void TorchLegacy()
    {
        var t = new TorchTarget("torch-legacy", "all_dtypes_legacy.pth", "nested_model_legacy.pth", "state_dict_p5_legacy.pth", "malicious_eval_legacy.pth");
        Run(t, SeedsOf(t));
    }

    [Fact]
    public void PlainPickles_OfEveryProtocol()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Fixture("checkpoints/pure_data_pickles.json")));
        var seeds = doc.RootElement.EnumerateObject().Select(p => System.Convert.FromBase64String(p.Value.GetString()!)).ToArray();
        Run(new PickleTarget(), seeds);
    }
}
