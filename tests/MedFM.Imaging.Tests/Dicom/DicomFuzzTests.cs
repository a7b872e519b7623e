using MedFM.Fuzz;
using MedFM.Imaging.Tests.Fuzz;
using MedFM.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Seeded mutation fuzzing of every DICOM family (explicit/implicit little endian, big endian, deflated, RLE,
/// encapsulated JPEG/JPEG-LS): seeds are made here with dcmtk (and kept in .testdata/dicom-fuzz for the standalone
/// fuzzer); 10,000 mutated inputs per family must each parse (or throw a typed imaging exception) within 1 s and the
/// allocation budget.
/// </summary>
public sealed class DicomFuzzTests(ITestOutputHelper output)
{
    private static readonly object Gate = new();

    /// <summary>Makes the seeds of every family once per test run (small images: fast decoding, many mutations).</summary>
    internal static string SeedRoot()
    {
        lock (Gate)
        {
            var root = Path.Combine(RepoPaths.Root, ".testdata", "dicom-fuzz");
            var done = Path.Combine(root, ".complete-v1");
            if (File.Exists(done)) return root;
            using var tmp = new TempDir("medfm-fuzzseeds");
            var bases = new List<string>();
            foreach (var c in new[] { "s16", "u8", "rgb8_planar1", "mf_s16_4frames", "bit1_3frames", "u16_12" })
            {
                var pc = PixelCase.Native.Single(x => x.Name == c) with { };
                pc = new PixelCase(pc.Name, Math.Min(pc.Rows, 12), Math.Min(pc.Cols, 12), pc.BitsAllocated, pc.BitsStored, pc.Signed, pc.Samples, pc.Planar, pc.Frames, pc.Photometric).Generate();
                bases.Add(pc.Write(tmp.Path, c, d => d.Block("0040,0275", """
(0040,0275) SQ (Sequence with undefined length #=1)
  (fffe,e000) na (Item with undefined length #=1)
    (0040,0009) SH [SPS1]
  (fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
""")));
            }
            void Family(string name, Func<string, string, string?> make)
            {
                var dir = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
                foreach (var b in bases)
                {
                    var target = Path.Combine(dir, Path.GetFileName(b));
                    make(b, target);
                }
            }
            Family("explicit", (b, t) => DcmtkTools.Convert("dcmconv", b, t, "+te", "-e"));
            Family("implicit", (b, t) => DcmtkTools.Convert("dcmconv", b, t, "+ti"));
            Family("bigendian", (b, t) => DcmtkTools.Convert("dcmconv", b, t, "+tb"));
            Family("deflated", (b, t) => DcmtkTools.Convert("dcmconv", b, t, "+td"));
            Family("rle", (b, t) => b.Contains("bit1") ? null : DcmtkTools.Convert("dcmcrle", b, t));
            Family("encapsulated", (b, t) => b.Contains("bit1") || b.Contains("rgb") ? null
                : DcmtkTools.Convert(b.Contains("u8") ? "dcmcjpls" : "dcmcjpeg", b, t, b.Contains("u8") ? "+el" : "+e1"));
            File.WriteAllText(done, "seeds made by DicomFuzzTests\n");
            return root;
        }
    }

    public static IEnumerable<object[]> Families() =>
        new[] { "explicit", "implicit", "bigendian", "deflated", "rle", "encapsulated" }.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Families))]
    public void MutatedInputs_ParseOrThrowTypedErrors_Quickly_WithBoundedAllocation(string family)
    {
        SeedRoot();
        DicomTarget.Root = RepoPaths.Root;
        var target = FuzzTargets.Named("dicom-" + family);
        var seeds = target.SeedFiles.Select(f => File.ReadAllBytes(Path.Combine(RepoPaths.Root, f))).ToArray();
        Assert.True(seeds.Length >= 4, $"{seeds.Length} seeds for {family}");
        var report = FuzzRunner.Run(target, seeds, FuzzAssert.Inputs, FuzzAssert.Seed);
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0,
            $"{report}\n" + string.Join("\n", report.Failures.Take(3).Select(f => $"iteration {f.Iteration}: {f.Detail}")));
        Assert.True(report.Decoded > FuzzAssert.Inputs / 100, $"only {report.Decoded} inputs decoded");
    }
}
