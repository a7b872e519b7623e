using MedFM.Imaging.Dicom;

namespace MedFM.Imaging;

/// <summary>The DICOM side of <see cref="ImageFile"/>: one file read as a volume (frames along k, modality LUT applied).</summary>
public static partial class ImageFile
{
    static partial void ReadDicom(string path, ref Volume? volume)
    {
        var head = IO.ByteSource.ReadHead(path, 132);
        if (!DicomFileReader.LooksLikeDicom(head)) return;
        volume = DicomImageReader.ReadVolume(path);
    }
}
