namespace MedFM.Models.Clip;

/// <summary>An input an image–text model cannot take: an empty label list, a template without "{}", embeddings of the wrong width.</summary>
public sealed class ClipInputException : Exception
{
    public ClipInputException(string message) : base(message) { }
}
