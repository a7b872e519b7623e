namespace MedFM.Imaging.Transforms;

/// <summary>
/// A resize, crop or preprocessing request that cannot be carried out: a size below one, a box outside the image,
/// a pixel layout the reproduced library does not accept. The message names the operation, what was expected and
/// what was found.
/// </summary>
public class ImageTransformException : ImagingException
{
    public ImageTransformException(string operation, string detail) : base($"{operation}: {detail}")
    {
        Operation = operation;
    }

    /// <summary>The operation that refused the input (e.g. "PilResize.Resize").</summary>
    public string Operation { get; }
}
