namespace MedFM.Imaging.Nifti;

/// <summary>A malformed NIfTI-1/NIfTI-2 file: names the file, the byte offset and what was expected vs found.</summary>
public class NiftiFormatException : ImageFormatException
{
    public NiftiFormatException(string? filePath, long? offset, string detail, Exception? inner = null)
        : base("NIfTI", filePath, offset, detail, inner) { }
}
