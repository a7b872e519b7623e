using MedFM.Imaging;
using MedFM.TestSupport;
using MedFM.Imaging.Nifti;

namespace MedFM.Cli.Tests;

/// <summary>
/// The bundled sample and its ground truth, derived here independently of the model: the Colin27 T1 and the AAL atlas
/// (mricron-data) reoriented to LPS as the sample was, so an atlas region's box and mask on a slice can be compared
/// with what `medfm segment` returns.
/// </summary>
internal static class SegmentSupport
{
    public const int SampleSlice = 75;

    public static string Sample => Path.Combine(RepoPaths.Root, "samples", $"colin27_t1_axial_{SampleSlice}.png");

    private static readonly Lazy<Volume> Atlas = new(() => NiftiReader.ReadVolume(RepoPaths.TestData("mricron/aal.nii.gz")).Reorient("LPS"));

    private static readonly Lazy<Volume> Mri = new(() => NiftiReader.ReadVolume(RepoPaths.TestData("mricron/ch2.nii.gz")).Reorient("LPS"));

    public static Volume LpsMri => Mri.Value;

    public static Volume LpsAtlas => Atlas.Value;

    /// <summary>Label <paramref name="label"/> on slice k as 0/1, and its tight box (pixel edges).</summary>
    public static (byte[] Mask, int X0, int Y0, int X1, int Y1) Region(int label, int k)
    {
        var a = Atlas.Value;
        int w = a.Width, h = a.Height;
        var mask = new byte[w * h];
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            if ((int)a.GetValue(x, y, k) != label) continue;
            mask[y * w + x] = 1;
            x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y);
        }
        if (x1 < 0) throw new InvalidOperationException($"label {label} is absent from slice {k}");
        return (mask, x0, y0, x1 + 1, y1 + 1);
    }

    /// <summary>The first and last slice holding label <paramref name="label"/>.</summary>
    public static (int First, int Last) SliceRange(int label)
    {
        var a = Atlas.Value;
        int first = -1, last = -1;
        for (int k = 0; k < a.Depth; k++)
        for (int y = 0; y < a.Height && last != k; y++)
        for (int x = 0; x < a.Width; x++)
        {
            if ((int)a.GetValue(x, y, k) != label) continue;
            if (first < 0) first = k;
            last = k;
            break;
        }
        return (first, last);
    }

    public static double Dice(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long inter = 0, sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bool pa = a[i] != 0, pb = b[i] != 0;
            if (pa && pb) inter++;
            sum += (pa ? 1 : 0) + (pb ? 1 : 0);
        }
        return sum == 0 ? 1 : 2.0 * inter / sum;
    }
}
