using MedFM.Imaging;
using MedFM.Imaging.Dicom;

namespace MedFM.Cli.Segment;

/// <summary>The image to segment: a PNG/JPEG/NIfTI/DICOM file or a DICOM folder, with its DICOM series when it has one.</summary>
internal sealed record SegmentInput(Volume Volume, DicomSeriesVolume? Dicom)
{
    public bool IsVolume => Volume.Depth > 1 || Volume.Frames > 1;

    public static SegmentInput Read(string path)
    {
        if (Directory.Exists(path))
        {
            var series = DicomSeriesReader.Load(path);
            return new SegmentInput(series.Volume, series);
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file or folder");
        if (ImageFile.Detect(path) == ImageFormat.Dicom)
        {
            var series = DicomSeriesReader.Load(path);
            return new SegmentInput(series.Volume, series);
        }
        return new SegmentInput(ImageFile.Read(path), null);
    }
}
