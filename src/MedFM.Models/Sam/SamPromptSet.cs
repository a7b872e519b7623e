namespace MedFM.Models.Sam;

/// <summary>A point prompt in original image pixels: positive (on the structure) or negative (background).</summary>
public readonly record struct SamPoint(double X, double Y, bool Positive);

/// <summary>A box prompt in original image pixels: (x0, y0) top-left, (x1, y1) bottom-right.</summary>
public readonly record struct SamBox(double X0, double Y0, double X1, double Y1)
{
    /// <summary>Parses "x0,y0,x1,y1".</summary>
    public static SamBox Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || !parts.All(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
            throw new SamInputException($"box '{text}' must be four numbers x0,y0,x1,y1");
        var v = parts.Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new SamBox(v[0], v[1], v[2], v[3]);
    }
}

/// <summary>Everything one prediction is conditioned on; points, a box and a previous low-res mask may be combined.</summary>
public sealed record SamPromptSet
{
    public IReadOnlyList<SamPoint> Points { get; init; } = Array.Empty<SamPoint>();

    public SamBox? Box { get; init; }

    /// <summary>Low-res logits of an earlier prediction (256 × 256 for the standard sizes), to refine it.</summary>
    public float[]? MaskInput { get; init; }

    /// <summary>Rejects empty prompts, inverted or empty boxes and coordinates outside the image.</summary>
    public void Validate(int width, int height)
    {
        if (Points.Count == 0 && Box is null && MaskInput is null)
            throw new SamInputException("no prompt: give a box, at least one point, or a mask");
        foreach (var p in Points)
        {
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y) || p.X < 0 || p.Y < 0 || p.X > width || p.Y > height)
                throw new SamInputException($"point ({p.X}, {p.Y}) lies outside the {width}x{height} image");
        }
        if (Box is { } b)
        {
            if (!(double.IsFinite(b.X0) && double.IsFinite(b.Y0) && double.IsFinite(b.X1) && double.IsFinite(b.Y1)))
                throw new SamInputException($"box ({b.X0}, {b.Y0}, {b.X1}, {b.Y1}) has a non-finite coordinate");
            if (b.X1 <= b.X0 || b.Y1 <= b.Y0)
                throw new SamInputException($"box ({b.X0}, {b.Y0}, {b.X1}, {b.Y1}) is empty or inverted: need x0 < x1 and y0 < y1");
            if (b.X0 < 0 || b.Y0 < 0 || b.X1 > width || b.Y1 > height)
                throw new SamInputException($"box ({b.X0}, {b.Y0}, {b.X1}, {b.Y1}) extends outside the {width}x{height} image");
        }
    }
}

/// <summary>
/// Masks [k, H, W] as 0/1 at the original size, their predicted IoU [k], and the low-res logits [k, lh, lw]
/// (the input for a refining prompt and what --save-logits writes).
/// </summary>
public sealed record SamPrediction(float[] Masks, float[] Iou, float[] LowResLogits, int Count, int Height, int Width, int LowResHeight, int LowResWidth)
{
    /// <summary>The index of the mask with the highest predicted IoU.</summary>
    public int Best => Array.IndexOf(Iou, Iou.Max());

    /// <summary>Mask i as bytes (0 or 255), row-major H × W.</summary>
    public byte[] MaskBytes(int i, byte on = 255)
    {
        var r = new byte[Height * Width];
        var src = Masks.AsSpan(i * Height * Width, Height * Width);
        for (int p = 0; p < r.Length; p++) r[p] = src[p] != 0 ? on : (byte)0;
        return r;
    }

    public float[] LowRes(int i) => LowResLogits.AsSpan(i * LowResHeight * LowResWidth, LowResHeight * LowResWidth).ToArray();
}
