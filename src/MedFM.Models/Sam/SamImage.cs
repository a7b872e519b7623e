using MedFM.Imaging;

namespace MedFM.Models.Sam;

/// <summary>
/// Turns clinical images into the 8-bit RGB SAM consumes, as MedSAM's data preparation does
/// (bowang-lab/MedSAM pre_CT_MR.py): CT is clipped to a window (soft tissue L40/W400 by default) and rescaled to
/// 0..255; other modalities are clipped to the 0.5–99.5 percentiles of their non-zero voxels and rescaled, zero
/// staying zero; 8-bit images pass unchanged. Whole volumes are mapped at once so every slice shares one scale.
/// </summary>
public static class SamImage
{
    /// <summary>
    /// An 8-bit version of a volume (1 or 3 components). window: CT window; null = decide from the data
    /// (a volume whose values reach below −500 is taken as CT in Hounsfield units).
    /// </summary>
    public static Volume ToUInt8(Volume volume, WindowPreset? window = null)
    {
        if (volume.VoxelType == VoxelType.UInt8) return volume;
        var v = volume.ToFloat32();
        if (window is null && LooksLikeCt(v)) window = WindowPreset.SoftTissue;
        var bytes = new byte[v.Length];
        if (window is { } w)
        {
            double lo = w.Level - w.Width / 2, hi = w.Level + w.Width / 2;
            Rescale(v, bytes, lo, hi, keepZero: false);
        }
        else
        {
            var (lo, hi) = NonZeroPercentiles(v, 0.5, 99.5);
            Rescale(v, bytes, lo, hi, keepZero: true);
        }
        return new Volume(volume.Shape, bytes, volume.Geometry);
    }

    /// <summary>One 2-D slice (grey or RGB, 8-bit) as the 3-channel image the predictor takes (grey repeated).</summary>
    public static Volume ToRgb(Volume slice)
    {
        if (slice.Depth != 1 || slice.Frames != 1)
            throw new SamInputException($"expected one 2-D image, got {slice.Width}x{slice.Height}x{slice.Depth} with {slice.Frames} frame(s)");
        var u8 = slice.VoxelType == VoxelType.UInt8 ? slice : ToUInt8(slice);
        int n = u8.Width * u8.Height, c = u8.Components;
        if (c == 3) return u8;
        if (c != 1 && c != 2 && c != 4)
            throw new SamInputException($"an image with {c} components cannot be shown to SAM (1 grey, 3 RGB, or with alpha)");
        var src = u8.GetData<byte>();
        var rgb = new byte[n * 3];
        for (int i = 0; i < n; i++)
        {
            if (c == 4) { rgb[i * 3] = src[i * 4]; rgb[i * 3 + 1] = src[i * 4 + 1]; rgb[i * 3 + 2] = src[i * 4 + 2]; }
            else { byte g = src[i * c]; rgb[i * 3] = g; rgb[i * 3 + 1] = g; rgb[i * 3 + 2] = g; }
        }
        return new Volume(new VolumeShape(u8.Width, u8.Height, 1, 3), rgb, u8.Geometry);
    }

    private static bool LooksLikeCt(float[] v)
    {
        foreach (var x in v) if (x < -500f) return true;
        return false;
    }

    /// <summary>clip(x, lo, hi) → (x − min) / (max − min) · 255, truncated as numpy's uint8 cast.</summary>
    private static void Rescale(float[] v, byte[] dst, double lo, double hi, bool keepZero)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var x in v)
        {
            double c = Math.Clamp(x, lo, hi);
            min = Math.Min(min, c);
            max = Math.Max(max, c);
        }
        double range = max - min;
        for (int i = 0; i < v.Length; i++)
        {
            if (keepZero && v[i] == 0f) { dst[i] = 0; continue; }
            double c = Math.Clamp(v[i], lo, hi);
            dst[i] = range > 0 ? (byte)Math.Clamp((c - min) / range * 255.0, 0, 255) : (byte)0;
        }
    }

    private static (double Lo, double Hi) NonZeroPercentiles(float[] v, double pLo, double pHi)
    {
        var nz = v.Where(x => x != 0f).Select(x => (double)x).ToArray();
        if (nz.Length == 0) return (0, 0);
        Array.Sort(nz);
        double At(double p)
        {
            double h = p / 100 * (nz.Length - 1);
            int a = (int)Math.Floor(h), b = Math.Min(a + 1, nz.Length - 1);
            return nz[a] + (h - a) * (nz[b] - nz[a]);
        }
        return (At(pLo), At(pHi));
    }
}
