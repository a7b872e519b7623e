using MedFM.Imaging;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Overlay;
using MedFM.Imaging.Png;
using MedFM.Models.Sam;

namespace MedFM.Cli.Segment;

/// <summary>
/// Where `medfm segment` writes, checked before any computation (kind by extension, a DICOM SEG only
/// from a DICOM source) so a bad request leaves no file behind; missing folders are created just before writing. Every writer is atomic (temporary file + rename).
/// </summary>
internal static class SegmentOutputs
{
    public enum MaskKind { Png, Nifti, DicomSeg }

    public static MaskKind KindOf(string path)
    {
        var name = path.ToLowerInvariant();
        if (name.EndsWith(".png")) return MaskKind.Png;
        if (name.EndsWith(".nii") || name.EndsWith(".nii.gz")) return MaskKind.Nifti;
        if (name.EndsWith(".dcm")) return MaskKind.DicomSeg;
        throw new SamInputException($"--out {path}: write the mask as .png, .nii, .nii.gz or .dcm (DICOM SEG)");
    }

    public static void Check(SegmentOptions o, SegmentInput input)
    {
        foreach (var (flag, path, ext) in new[]
                 {
                     ("--out", o.Out, (string?)null), ("--overlay", o.Overlay, ".png"), ("--save-logits", o.SaveLogits, ".npy"),
                     ("--save-embedding", o.SaveEmbedding, ".npy"),
                 })
        {
            if (path is null) continue;
            if (File.Exists(Path.GetDirectoryName(Path.GetFullPath(path)))) throw new SamInputException($"{flag} {path}: its folder is a file");
            if (ext is not null && !path.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) throw new SamInputException($"{flag} {path}: expected a {ext} file");
        }
        if (o.Out is null) return;
        var kind = KindOf(o.Out);
        if (o.SegType is not null && kind != MaskKind.DicomSeg)
            throw new SamInputException($"--seg-type applies to a DICOM SEG (--out .dcm), not to {o.Out}");
        if (kind == MaskKind.DicomSeg && input.Dicom is null)
            throw new SamInputException($"--out {o.Out}: a DICOM SEG references its source images, so the input must be DICOM");
        if (kind == MaskKind.Png && input.IsVolume)
            throw new SamInputException($"--out {o.Out}: a volume's mask is written as .nii.gz or a DICOM SEG (.dcm), not .png");
    }

    /// <summary>Creates the folders of the requested outputs (after the work succeeded, just before writing).</summary>
    public static void CreateFolders(SegmentOptions o)
    {
        foreach (var path in new[] { o.Out, o.Overlay, o.SaveLogits, o.SaveEmbedding })
            if (path is not null && Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
    }

    /// <summary>
    /// Writes the mask (labels 0/1 on the input's grid) in the kind --out names; PNG masks hold 0/255; a DICOM SEG is
    /// binary or a label map as <paramref name="segType"/> says.
    /// </summary>
    public static void WriteMask(string path, LabelVolume mask, SegmentInput input, SegmentationType segType = SegmentationType.Binary)
    {
        switch (KindOf(path))
        {
            case MaskKind.Png:
                var bytes = mask.GetData<byte>().ToArray();
                for (int i = 0; i < bytes.Length; i++) bytes[i] = bytes[i] != 0 ? (byte)255 : (byte)0;
                PngWriter.Write(new Volume(mask.Width, mask.Height, 1, bytes), path);
                break;
            case MaskKind.Nifti:
                NiftiWriter.Write(mask, path);
                break;
            case MaskKind.DicomSeg:
                SegWriter.Write(path, mask, input.Dicom!, new SegWriterOptions { Type = segType });
                break;
        }
    }

    /// <summary>The 8-bit image (grey or RGB) with the mask drawn over it, as an RGB PNG.</summary>
    public static void WriteOverlay(string path, Volume image8, LabelVolume mask, int k) =>
        PngWriter.Write(OverlayRenderer.RenderSlice(image8, mask, k), path);
}
