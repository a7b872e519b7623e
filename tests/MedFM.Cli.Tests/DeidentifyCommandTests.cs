using MedFM.Cli.Tests.Support;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.Tests.Dicom;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>
/// `medfm deidentify` on a dump2dcm series: identity replaced as asked (checked with dcmdump), study/series UIDs new
/// but shared by every output, HU voxels unchanged, a shared salt reproducible, bad input refused without output.
/// </summary>
public sealed class DeidentifyCommandTests : IDisposable
{
    private readonly string _dir = CliRunner.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (SeriesMaker, string) Series()
    {
        var m = new SeriesMaker { Slices = 4 };
        var folder = Path.Combine(_dir, "in");
        Directory.CreateDirectory(folder);
        m.WriteAll(folder);
        return (m, folder);
    }

    private static string Dump(string file, string tag) => DcmtkTools.DcmDump(file, "+P", tag).Trim();

    [Fact]
    public void Series_IsDeidentified_WithConsistentUids_AndUntouchedVoxels()
    {
        var (m, input) = Series();
        var output = Path.Combine(_dir, "out");
        var r = CliRunner.Run("deidentify", input, "--out", output, "--patient-id", "STUDY-042", "--salt", "s1");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.StartsWith($"de-identified {m.Slices} file(s) into {output}", r.Stdout);

        var files = Directory.GetFiles(output);
        Assert.Equal(m.Slices, files.Length);
        var studies = new HashSet<string>();
        foreach (var f in files)
        {
            Assert.Contains("[STUDY-042]", Dump(f, "0010,0020"));
            Assert.DoesNotContain("Test^Patient", Dump(f, "0010,0010"));
            Assert.Contains("[YES]", Dump(f, "0012,0062"));
            Assert.Contains("[113100]", Dump(f, "0008,0100"));
            studies.Add(Dump(f, "0020,000d"));
            Assert.Equal(Path.GetFileNameWithoutExtension(f), DcmtkTools.DcmDump(f, "+P", "0008,0018").Split('[', ']')[1]);
        }
        var study = Assert.Single(studies);
        Assert.DoesNotContain(m.StudyUid + "]", study);

        var volume = DicomSeriesReader.Load(output).Volume;
        for (int k = 0; k < m.Slices; k++)
            for (int j = 0; j < m.Rows; j += 3)
                for (int i = 0; i < m.Cols; i += 3)
                    Assert.Equal(m.Hu(i, j, k), volume.GetValue(i, j, k));

        var again = Path.Combine(_dir, "again");
        Assert.Equal(0, CliRunner.Run("deidentify", input, "-o", again, "--salt", "s1").ExitCode);
        Assert.Equal(files.Select(Path.GetFileName).Order(), Directory.GetFiles(again).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void NothingDicom_OrMissingInput_FailsWithoutCreatingTheOutput()
    {
        var text = Path.Combine(_dir, "text");
        Directory.CreateDirectory(text);
        File.WriteAllText(Path.Combine(text, "a.txt"), "hello");
        foreach (var (input, says) in new[] { (text, "none of the 1 file(s) is readable DICOM"), (Path.Combine(_dir, "nowhere"), "neither a file nor a folder") })
        {
            var output = Path.Combine(_dir, "out-" + Path.GetFileName(input));
            var r = CliRunner.Run("deidentify", input, "--out", output);
            Assert.NotEqual(0, r.ExitCode);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("medfm: error: ", line);
            Assert.Contains(says, line);
            Assert.False(Directory.Exists(output));
        }
        Assert.DoesNotContain(Directory.GetDirectories(_dir), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void UnreadableFile_IsSkippedWithAWarning_AndTheRestWritten()
    {
        var (m, input) = Series();
        File.WriteAllText(Path.Combine(input, "zz.txt"), "not DICOM");
        var output = Path.Combine(_dir, "out");
        var r = CliRunner.Run("deidentify", input, "--out", output);
        Assert.Equal(0, r.ExitCode);
        var warning = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("medfm: warning: skipped Unreadable", warning);
        Assert.Contains("zz.txt", warning);
        Assert.Equal(m.Slices, Directory.GetFiles(output).Length);
    }
}
