namespace MedFM.Imaging.Transforms;

/// <summary>
/// A preprocessed image as the models take it: float32, channels first (CHW), <c>Data[(c·Height + y)·Width + x]</c>.
/// The imaging library stays independent of the tensor engine; a model wraps <see cref="Data"/> without copying.
/// </summary>
public sealed record ImageTensor
{
    public ImageTensor(float[] data, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (channels < 1 || height < 1 || width < 1 || (long)channels * height * width != data.LongLength)
            throw new ImageTransformException("ImageTensor", $"shape [{channels}, {height}, {width}] does not match {data.LongLength} values");
        Data = data;
        Channels = channels;
        Height = height;
        Width = width;
    }

    public float[] Data { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>The PyTorch shape [C, H, W].</summary>
    public int[] Shape => [Channels, Height, Width];

    public float this[int c, int y, int x] => Data[((long)c * Height + y) * Width + x];

    public override string ToString() => $"ImageTensor [{Channels}, {Height}, {Width}]";
}
