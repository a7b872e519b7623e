using MedFM.Imaging;
using MedFM.Imaging.Dicom;

namespace MedFM.Fuzz;

/// <summary>
/// DICOM in one transfer syntax family. Seeds are made by the test run with dcmtk (tests/MedFM.Imaging.Tests/Dicom,
/// DicomFuzzTests) into .testdata/dicom-fuzz/&lt;name&gt;/ (git-ignored): run those tests once before the standalone
/// fuzzer. Decoding parses the whole file and its pixels with the managed code paths only (native, deflate, RLE);
/// other encapsulated syntaxes are split into frames but not handed to the optional native codec.
/// </summary>
public sealed class DicomTarget(string name) : ImagingTarget
{
    public override string Name => name;

    /// <summary>The repository root the seeds are found under (found from the program's folder when null).</summary>
    public static string? Root { get; set; }

    public override IReadOnlyList<string> SeedFiles
    {
        get
        {
            var dir = Path.Combine(".testdata", "dicom-fuzz", name[6..]);
            var root = Root ?? FindRoot();
            var full = Path.Combine(root, dir);
            return Directory.Exists(full)
                ? Directory.GetFiles(full, "*.dcm").OrderBy(f => f, StringComparer.Ordinal).Select(f => Path.GetRelativePath(root, f)).ToArray()
                : throw new InvalidOperationException($"no seeds in {full}: run the DICOM fuzz tests once (they make the seeds with dcmtk)");
        }
    }

    public override void Decode(byte[] input)
    {
        var file = DicomFileReader.Read(input, "fuzz.dcm");
        if (!file.Dataset.Contains(DicomTags.PixelData)) return;
        if (file.TransferSyntax.IsManaged) DicomImageReader.Read(file);
        else DicomImageReader.EncodedFrames(file);
    }

    public override IReadOnlyList<int> FieldOffsets(byte[] seed)
    {
        // Element length fields: after each plausible tag + VR of an explicit little endian walk (approximate, cheap).
        var list = new List<int>();
        for (int p = 132; p + 8 <= seed.Length && list.Count < 400; p++)
            if (DicomVRs.TryParse(seed[p + 4], seed[p + 5], out var vr) && seed[p + 1] < 0x80)
                list.Add(DicomVRs.HasLongLength(vr) ? p + 8 : p + 6);
        return list;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The six DICOM families fuzzed.</summary>
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new DicomTarget("dicom-explicit"), new DicomTarget("dicom-implicit"), new DicomTarget("dicom-bigendian"),
        new DicomTarget("dicom-deflated"), new DicomTarget("dicom-rle"), new DicomTarget("dicom-encapsulated"),
    ];
}
