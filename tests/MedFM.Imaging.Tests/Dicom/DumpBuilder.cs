using System.Globalization;
using System.Text;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Writes dcmdump-format text for dump2dcm: the test files of this folder are made from these dumps in the test run.
/// Pixel data is written as a raw little-endian file referenced with "=file".
/// </summary>
internal sealed class DumpBuilder
{
    private readonly List<(string Key, string Text)> _entries = [];

    public DumpBuilder Add(string tag, string vr, string value)
    {
        _entries.RemoveAll(e => e.Key == tag.ToLowerInvariant());
        _entries.Add((tag.ToLowerInvariant(), $"({tag}) {vr} {value}"));
        return this;
    }

    /// <summary>A text value in brackets.</summary>
    public DumpBuilder Text(string tag, string vr, string value) => Add(tag, vr, "[" + value + "]");

    public DumpBuilder Us(string tag, params int[] values) => Add(tag, "US", string.Join('\\', values.Select(v => v.ToString(CultureInfo.InvariantCulture))));

    public DumpBuilder Ds(string tag, params double[] values) =>
        Text(tag, "DS", string.Join('\\', values.Select(v => v.ToString("G10", CultureInfo.InvariantCulture))));

    /// <summary>A block of dump lines (e.g. a sequence with its items) sorted under <paramref name="tag"/>.</summary>
    public DumpBuilder Block(string tag, string lines)
    {
        _entries.Add((tag.ToLowerInvariant(), lines.TrimEnd('\n')));
        return this;
    }

    /// <summary>The common identification of a test image (CT unless <paramref name="sopClass"/> says otherwise).</summary>
    public static DumpBuilder Image(string sopUid, string seriesUid, string sopClass = "=CTImageStorage", string modality = "CT", string study = "1.2.826.0.1.3680043.2.1125.1")
    {
        var d = new DumpBuilder();
        d.Add("0002,0010", "UI", "=LittleEndianExplicit");
        d.Add("0008,0016", "UI", sopClass).Text("0008,0018", "UI", sopUid).Text("0008,0060", "CS", modality);
        d.Text("0010,0010", "PN", "Test^Patient").Text("0010,0020", "LO", "PID-0001");
        d.Text("0020,000d", "UI", study).Text("0020,000e", "UI", seriesUid);
        return d;
    }

    /// <summary>The image pixel module.</summary>
    public DumpBuilder Pixels(int rows, int cols, int bitsAllocated, int bitsStored, bool signed, string photometric = "MONOCHROME2", int samples = 1, int planar = 0, int frames = 1)
    {
        Us("0028,0002", samples).Text("0028,0004", "CS", photometric);
        if (samples > 1) Us("0028,0006", planar);
        if (frames > 1) Text("0028,0008", "IS", frames.ToString(CultureInfo.InvariantCulture));
        Us("0028,0010", rows).Us("0028,0011", cols).Us("0028,0100", bitsAllocated).Us("0028,0101", bitsStored)
            .Us("0028,0102", bitsStored - 1 + (bitsAllocated == 1 ? 0 : 0)).Us("0028,0103", signed ? 1 : 0);
        return this;
    }

    /// <summary>Geometry of a slice: position, orientation and pixel spacing (row spacing, column spacing).</summary>
    public DumpBuilder Plane(double[] position, double[] orientation, double rowSpacing, double colSpacing, double? thickness = null)
    {
        Ds("0020,0032", position).Ds("0020,0037", orientation).Ds("0028,0030", rowSpacing, colSpacing);
        if (thickness is { } t) Ds("0018,0050", t);
        return this;
    }

    /// <summary>Pixel data from a raw file (OW for 16/32-bit samples, OB for 8-bit and 1-bit).</summary>
    public DumpBuilder PixelData(string rawFile, bool words) => Add("7fe0,0010", words ? "OW" : "OB", "=" + rawFile);

    public string Build()
    {
        // Elements in tag order (the callers add them in any order); OrderBy is stable for equal keys.
        return string.Join('\n', _entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Text)) + "\n";
    }

    /// <summary>Runs dump2dcm on this dump with <paramref name="pixels"/> as pixel data; the dump and raw files live in a scratch folder.</summary>
    public string Write(string dir, string name, byte[] pixels, bool words, params string[] dump2dcmOptions)
    {
        using var work = new TempDir("medfm-dump");
        File.WriteAllBytes(work.File("pixels.raw"), pixels);
        PixelData("pixels.raw", words);
        var output = Path.GetFullPath(Path.Combine(dir, name));
        File.WriteAllText(work.File("in.dump"), Build(), System.Text.Encoding.Latin1);
        DcmtkTools.Run("dump2dcm", [.. dump2dcmOptions, "in.dump", output], work.Path);
        return output;
    }
}

/// <summary>A temporary folder deleted when disposed.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "medfm-dicom")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
