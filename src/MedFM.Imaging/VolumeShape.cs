namespace MedFM.Imaging;

/// <summary>
/// The dimensions of a volume: Width (i, fastest), Height (j), Depth (k), Components per voxel
/// (1 grey, 3 RGB, 4 RGBA) and Frames (t, 1 for a 3-D volume). All are at least 1.
/// Element layout: data[(((t·D + k)·H + j)·W + i)·C + c].
/// </summary>
public readonly record struct VolumeShape
{
    public VolumeShape(int width, int height, int depth = 1, int components = 1, int frames = 1)
    {
        if (width < 1 || height < 1 || depth < 1 || components < 1 || frames < 1)
            throw new VolumeShapeException(
                $"volume dimensions must be at least 1, found {width}×{height}×{depth}, {components} component(s), {frames} frame(s)");
        Width = width; Height = height; Depth = depth; Components = components; Frames = frames;
    }

    public int Width { get; }
    public int Height { get; }
    public int Depth { get; }
    public int Components { get; }
    public int Frames { get; }

    /// <summary>Width·Height·Depth (spatial voxels in one frame).</summary>
    public long VoxelsPerFrame => (long)Width * Height * Depth;

    /// <summary>Elements in one frame: Width·Height·Depth·Components.</summary>
    public long ElementsPerFrame => VoxelsPerFrame * Components;

    /// <summary>All elements: Width·Height·Depth·Components·Frames.</summary>
    public long ElementCount => ElementsPerFrame * Frames;

    /// <summary>Elements in one k-slice of one frame: Width·Height·Components.</summary>
    public long ElementsPerSlice => (long)Width * Height * Components;

    /// <summary>Size along spatial axis 0 (i), 1 (j) or 2 (k).</summary>
    public int Size(int axis) => axis switch
    {
        0 => Width,
        1 => Height,
        2 => Depth,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "spatial axis must be 0, 1 or 2"),
    };

    /// <summary>The same shape with spatial sizes replaced.</summary>
    public VolumeShape WithSize(int width, int height, int depth) => new(width, height, depth, Components, Frames);

    /// <summary>Flat element index of (i, j, k, c, t).</summary>
    public long IndexOf(int i, int j, int k, int c = 0, int t = 0) =>
        ((((long)t * Depth + k) * Height + j) * Width + i) * Components + c;

    public override string ToString() =>
        $"{Width}×{Height}×{Depth}" + (Components != 1 ? $"×{Components}c" : "") + (Frames != 1 ? $"×{Frames}t" : "");
}
