namespace MedFM.Imaging.Jpeg;

/// <summary>What the frame header (SOFn) and the markers before it say about a JPEG.</summary>
public sealed record JpegHeader
{
    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>Number of colour components (1 grey, 3 colour).</summary>
    public int Components { get; init; }

    /// <summary>Sample precision in bits (8 for everything this decoder reads).</summary>
    public int Precision { get; init; }

    /// <summary>True for a progressive (SOF2) frame.</summary>
    public bool Progressive { get; init; }

    /// <summary>The SOF marker number (0 baseline, 1 extended, 2 progressive, 3 lossless, ...).</summary>
    public int FrameType { get; init; }

    /// <summary>Horizontal and vertical sampling factors per component, e.g. (2,2),(1,1),(1,1) for 4:2:0.</summary>
    public IReadOnlyList<(int H, int V)> Sampling { get; init; } = [];

    /// <summary>Adobe APP14 colour transform (0 none/RGB, 1 YCbCr, 2 YCCK), or null without an Adobe marker.</summary>
    public int? AdobeTransform { get; init; }

    public bool HasJfif { get; init; }
}
