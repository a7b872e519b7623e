namespace MedFM.Imaging.Dicom;

/// <summary>Options of de-identification.</summary>
public sealed record DeidentifyOptions
{
    /// <summary>
    /// Secret mixed into every UID replacement: the same input UID gives the same new UID within one run, and across
    /// runs that share this salt. Null draws a random salt per run (no linkage between runs).
    /// </summary>
    public string? Salt { get; init; }

    /// <summary>Replacement PatientName / PatientID (the profile's dummy values when null).</summary>
    public string? PatientName { get; init; }
    public string? PatientId { get; init; }

    /// <summary>Scan input folders recursively. Default true.</summary>
    public bool Recursive { get; init; } = true;
}

/// <summary>What a run did: each input written to its output, files skipped with the reason, the UID map.</summary>
public sealed record DeidentifyResult(
    IReadOnlyList<(string Input, string Output)> Written,
    IReadOnlyList<DicomWarning> Skipped,
    IReadOnlyDictionary<string, string> UidMap);

/// <summary>
/// De-identification per PS3.15 Annex E, Basic Application Level Confidentiality Profile: each attribute of
/// <see cref="BasicProfile"/> gets its action (D dummy, Z zero, X remove, K keep, C clean, U UID remapped
/// consistently across the run), private attributes are removed, sequences are processed recursively, the pixel data
/// is copied untouched, and PatientIdentityRemoved = YES with DeidentificationMethod(CodeSequence 113100) is recorded.
/// </summary>
public static class Deidentifier
{
    public const string Method = "MedFM: PS3.15 E.1 Basic Application Level Confidentiality Profile";

    /// <summary>
    /// De-identifies files and folders into <paramref name="outFolder"/> (files named by their new SOP Instance UID).
    /// Unreadable files are skipped and listed; when no file at all can be de-identified a
    /// <see cref="DicomSeriesException"/> says why. The outputs are made in a temporary folder and moved into
    /// <paramref name="outFolder"/> only when every file was written (an existing folder receives them one by one).
    /// </summary>
    public static DeidentifyResult Run(IEnumerable<string> inputs, string outFolder, DeidentifyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outFolder);
        var o = options ?? new DeidentifyOptions();
        var salt = o.Salt ?? Guid.NewGuid().ToString("N");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var written = new List<(string, string)>();
        var skipped = new List<DicomWarning>();
        var inputList = inputs.ToList();
        var files = inputList.SelectMany(i => DicomSeriesScanner.Files(i, o.Recursive)).ToList();
        if (files.Count == 0) throw new DicomSeriesException($"no files to de-identify in {string.Join(", ", inputList.Select(i => $"'{i}'"))}");
        IO.AtomicFolder.Write(outFolder, staging =>
        {
            foreach (var input in files)
            {
                DicomFile file;
                try { file = DicomFileReader.Read(input); }
                catch (DicomFormatException e) { skipped.Add(new DicomWarning(DicomWarningKind.Unreadable, e.Detail, input)); continue; }
                var ds = Deidentify(file.Dataset, salt, map, o);
                var name = ds.GetString(DicomTags.SOPInstanceUID) + ".dcm";
                var syntax = file.TransferSyntax.IsEncapsulated ? file.TransferSyntax : TransferSyntax.ExplicitVRLittleEndian;
                DicomWriter.Write(Path.Combine(staging, name), ds, syntax);
                written.Add((input, Path.Combine(outFolder, name)));
            }
            if (written.Count == 0)
                throw new DicomSeriesException($"none of the {files.Count} file(s) is readable DICOM (first: {skipped[0]})");
        }, mergeIntoExisting: true);
        return new DeidentifyResult(written, skipped, map);
    }

    /// <summary>The de-identified copy of one dataset (the input is not changed). <paramref name="uidMap"/> collects the UID replacements.</summary>
    public static DicomDataset Deidentify(DicomDataset dataset, string salt, IDictionary<string, string> uidMap, DeidentifyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var o = options ?? new DeidentifyOptions();
        var result = Process(dataset, salt, uidMap, depth: 0);
        if (o.PatientName is { } name) result.Set(DicomTags.PatientName, DicomVR.PN, name);
        if (o.PatientId is { } id) result.Set(DicomTags.PatientID, DicomVR.LO, id);
        result.Set(DicomTags.PatientIdentityRemoved, DicomVR.CS, "YES");
        result.Set(DicomTags.DeidentificationMethod, DicomVR.LO, Method);
        result.SetSequence(DicomTags.DeidentificationMethodCodeSequence, DicomCode.BasicConfidentialityProfile.ToItem());
        return result;
    }

    private static DicomDataset Process(DicomDataset ds, string salt, IDictionary<string, string> map, int depth)
    {
        var result = new DicomDataset(ds.CharacterSet);
        foreach (var e in ds.Elements)
        {
            if (e.Tag.IsPrivate) continue;                           // private attributes: X
            if (e.Tag.Element == 0 && e.Tag.Group != 0x0002) continue; // group lengths would be stale
            var action = BasicProfile.ActionOf(e.Tag) ?? DeidAction.Keep;
            if (e.Tag == DicomTags.PixelData) action = DeidAction.Keep;
            switch (action)
            {
                case DeidAction.Remove: break;
                case DeidAction.Zero:
                    result.Add(e.IsSequence ? new DicomElement(e.Tag, Array.Empty<DicomDataset>()) : new DicomElement(e.Tag, e.VR, ReadOnlyMemory<byte>.Empty));
                    break;
                case DeidAction.Uid:
                    if (e.IsSequence) result.Add(new DicomElement(e.Tag, e.Items!.Select(i => Process(i, salt, map, depth + 1)).ToArray()));
                    else result.Set(e.Tag, DicomVR.UI, ds.GetStrings(e.Tag).Select(u => Remap(u, salt, map)).ToArray());
                    break;
                case DeidAction.Dummy or DeidAction.Clean when !e.IsSequence:
                    result.Add(Dummy(e, salt, map, ds));
                    break;
                default:
                    result.Add(e.IsSequence ? new DicomElement(e.Tag, e.Items!.Select(i => Process(i, salt, map, depth + 1)).ToArray()) : e);
                    break;
            }
        }
        return result;
    }

    private static string Remap(string uid, string salt, IDictionary<string, string> map)
    {
        if (uid.Length == 0) return uid;
        if (!map.TryGetValue(uid, out var fresh)) map[uid] = fresh = DicomUid.FromName(salt + "|" + uid);
        return fresh;
    }

    /// <summary>A dummy value of the element's VR (dates 19000101, times 000000, numbers 0, text "ANONYMIZED").</summary>
    private static DicomElement Dummy(DicomElement e, string salt, IDictionary<string, string> map, DicomDataset ds)
    {
        var d = new DicomDataset(ds.CharacterSet);
        switch (e.VR)
        {
            case DicomVR.DA: d.Set(e.Tag, e.VR, "19000101"); break;
            case DicomVR.TM: d.Set(e.Tag, e.VR, "000000"); break;
            case DicomVR.DT: d.Set(e.Tag, e.VR, "19000101000000"); break;
            case DicomVR.AS: d.Set(e.Tag, e.VR, "000Y"); break;
            case DicomVR.DS or DicomVR.IS: d.Set(e.Tag, e.VR, "0"); break;
            case DicomVR.UI: d.Set(e.Tag, e.VR, Remap(ds.GetString(e.Tag) ?? "", salt, map)); break;
            case DicomVR.PN: d.Set(e.Tag, e.VR, "ANONYMIZED^"); break;
            case DicomVR.AE or DicomVR.CS or DicomVR.SH or DicomVR.LO or DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC:
                d.Set(e.Tag, e.VR, "ANONYMIZED"); break;
            case DicomVR.US or DicomVR.SS: d.SetBytes(e.Tag, e.VR, new byte[2]); break;
            case DicomVR.UL or DicomVR.SL or DicomVR.FL: d.SetBytes(e.Tag, e.VR, new byte[4]); break;
            case DicomVR.FD: d.SetBytes(e.Tag, e.VR, new byte[8]); break;
            default: d.SetBytes(e.Tag, e.VR, ReadOnlyMemory<byte>.Empty); break;
        }
        return d[e.Tag]!;
    }
}
