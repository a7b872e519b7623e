using System.Globalization;
using MedFM.Imaging.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// The series reader reads native little-endian monochrome pixels straight from the file after the header and sends
/// everything else through the general decoder. These tests write one series whose slices are stored in every way
/// dcmtk can write them (explicit, implicit, big endian, deflated, without meta, with group lengths, with trailing
/// padding) and with 12 of 16 bits stored and garbage above the high bit, then check each voxel against the value
/// written, on one thread and several; and that truncated pixel data and headers longer than the first read fail or
/// succeed as they should.
/// </summary>
public sealed class DicomSeriesReadPathTests : IDisposable
{
    private const int Rows = 6, Cols = 7;
    private const double Slope = 0.5, Intercept = -100;
    private const string SeriesUid = "1.2.826.0.1.3680043.2.1125.7.1";
    private readonly TempDir _dir = new();
    private readonly TempDir _work = new();
    public void Dispose() { _dir.Dispose(); _work.Dispose(); }

    /// <summary>The signed 12-bit value written at (i, j) of slice k: spans the whole range −2048..2047.</summary>
    private static int Value(int i, int j, int k) => ((i * 613 + j * 157 + k * 389) % 4096) - 2048;

    /// <summary>Writes slice k (explicit VR little endian, then converted by dcmconv with <paramref name="convert"/>).</summary>
    private string WriteSlice(int k, string[] convert, Action<DumpBuilder>? extra = null)
    {
        var d = DumpBuilder.Image($"{SeriesUid}.{k + 1}", SeriesUid)
            .Text("0020,0013", "IS", (k + 1).ToString(CultureInfo.InvariantCulture))
            .Pixels(Rows, Cols, 16, 12, signed: true)
            .Plane([10, 20, 3.0 * k], [1, 0, 0, 0, 1, 0], 0.7, 0.6)
            .Ds("0028,1052", Intercept).Ds("0028,1053", Slope);
        extra?.Invoke(d);
        var raw = new byte[Rows * Cols * 2];
        for (int j = 0; j < Rows; j++)
            for (int i = 0; i < Cols; i++)
            {
                int garbage = (i + j + k) % 16; // bits 12-15 are not part of the value: the reader must mask them
                BitConverter.TryWriteBytes(raw.AsSpan((j * Cols + i) * 2), (ushort)((Value(i, j, k) & 0xFFF) | garbage << 12));
            }
        var name = $"s{(k * 5) % 11:D2}.dcm";
        if (convert.Length == 0) return d.Write(_dir.Path, name, raw, words: true);
        var first = d.Write(_work.Path, name, raw, words: true);
        return DcmtkTools.Convert("dcmconv", first, Path.Combine(_dir.Path, name), convert);
    }

    private static readonly string[][] Encodings =
    [
        [], ["+ti"], ["+tb"], ["+td"], ["+te", "-F"], ["+ti", "-F"], ["+te", "+g"], ["+ti", "+g"], ["+te", "+p", "1024", "0"], [], ["+ti"],
    ];

    private static void AssertVoxels(DicomSeriesVolume s, int slices)
    {
        Assert.Equal(new VolumeShape(Cols, Rows, slices), s.Volume.Shape);
        var data = s.Volume.GetData<float>();
        for (int k = 0; k < slices; k++)
            for (int j = 0; j < Rows; j++)
                for (int i = 0; i < Cols; i++)
                    Assert.True((float)(Value(i, j, k) * Slope + Intercept) == data[(k * Rows + j) * Cols + i],
                        $"voxel ({i},{j},{k}): {data[(k * Rows + j) * Cols + i]}, expected {Value(i, j, k) * Slope + Intercept}");
    }

    [Fact]
    public void EveryEncoding_OneThreadOrSeveral_GivesTheWrittenValues()
    {
        for (int k = 0; k < Encodings.Length; k++) WriteSlice(k, Encodings[k]);
        var one = DicomSeriesReader.Load(_dir.Path, options: new DicomSeriesOptions { Parallel = false });
        var many = DicomSeriesReader.Load(_dir.Path);
        Assert.Empty(one.Warnings);
        Assert.Empty(many.Warnings);
        AssertVoxels(one, Encodings.Length);
        AssertVoxels(many, Encodings.Length);
        Assert.Equal(Enumerable.Range(1, Encodings.Length).Select(k => $"{SeriesUid}.{k}"), many.Slices.Select(x => x.SopInstanceUid));
        // Each file alone, through the single-image reader, agrees with its slice of the series.
        foreach (var (slice, k) in many.Slices.Select((x, k) => (x, k)))
        {
            var image = DicomImageReader.Read(slice.FilePath).Volume.GetData<float>();
            Assert.Equal(image.ToArray(), many.Volume.GetData<float>().Slice(k * Rows * Cols, Rows * Cols).ToArray());
        }
    }

    [Fact]
    public void ScanOnSeveralThreads_KeepsTheOrderOfFilesAndWarnings()
    {
        for (int k = 0; k < 10; k++) WriteSlice(k, []);
        for (int n = 0; n < 4; n++) File.WriteAllText(_dir.File($"s{n:D2}x.txt"), "not DICOM");
        var (oneSeries, oneWarnings) = DicomSeriesReader.Scan(_dir.Path, new DicomSeriesOptions { Parallel = false });
        var (manySeries, manyWarnings) = DicomSeriesReader.Scan(_dir.Path);
        Assert.Equal(4, oneWarnings.Count);
        Assert.Equal(oneWarnings.Select(w => w.ToString()), manyWarnings.Select(w => w.ToString()));
        Assert.Equal(Enumerable.Range(0, 4).Select(n => _dir.File($"s{n:D2}x.txt")), manyWarnings.Select(w => w.File));
        Assert.Equal(oneSeries.Single().Slices.Select(s => s.FilePath), manySeries.Single().Slices.Select(s => s.FilePath));
    }

    [Fact]
    public void TruncatedPixelData_IsAFormatErrorNamingTheFile()
    {
        for (int k = 0; k < 3; k++) WriteSlice(k, []);
        var victim = WriteSlice(3, []);
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..^10]);
        // The scan reads headers only and keeps the file; loading its pixels fails, on one thread and several.
        foreach (var parallel in new[] { false, true })
        {
            var e = Assert.Throws<DicomFormatException>(() => DicomSeriesReader.Load(_dir.Path, options: new DicomSeriesOptions { Parallel = parallel }));
            Assert.Contains(Path.GetFileName(victim), e.Message);
            Assert.Contains("bytes left", e.Message);
        }
    }

    [Fact]
    public void HeaderLongerThanTheFirstRead_IsReadWhole()
    {
        // 40 KB of a private OB element before the pixel data: more than the first 16 KB the header read takes.
        var blob = new byte[40_000];
        for (int i = 0; i < blob.Length; i++) blob[i] = (byte)(i * 7);
        File.WriteAllBytes(_work.File("blob.bin"), blob);
        for (int k = 0; k < 3; k++)
            WriteSlice(k, [], d => d.Text("0009,0010", "LO", "MEDFM TEST").Add("0009,1001", "OB", "=" + _work.File("blob.bin")));
        var header = DicomFileReader.ReadHeader(Directory.GetFiles(_dir.Path)[0]);
        Assert.Equal(blob, header.Dataset[new DicomTag(0x0009, 0x1001)]!.Value.ToArray());
        Assert.Null(header.Dataset[DicomTags.PixelData]);
        AssertVoxels(DicomSeriesReader.Load(_dir.Path), 3);
    }
}
