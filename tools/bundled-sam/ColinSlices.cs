using MedFM.Imaging;
using MedFM.Imaging.Nifti;
using MedFM.Models.Sam;

namespace MedFM.BundledSam;

/// <summary>One structure on one slice: its mask (original pixels, 0/1) and tight box (pixel edges).</summary>
public sealed record SliceObject(int Label, string Name, byte[] Mask, int Area, SamBox Box);

/// <summary>One axial slice: the 8-bit image as the predictor sees it, the atlas labels on it and its structures.</summary>
public sealed record AtlasSlice(int K, Volume Image, int[] Labels, IReadOnlyList<SliceObject> Objects)
{
    /// <summary>Label <paramref name="label"/> (0 = the whole labelled brain) on this slice as 0/1, possibly empty.</summary>
    public byte[] MaskOf(int label)
    {
        var m = new byte[Labels.Length];
        for (int i = 0; i < m.Length; i++) m[i] = (byte)((label == 0 ? Labels[i] > 0 : Labels[i] == label) ? 1 : 0);
        return m;
    }
}

/// <summary>
/// Axial slices of the Colin27 T1 MRI with structures from an atlas on the same grid (mricron-data: ch2.nii.gz with
/// aal.nii.gz). Both volumes are reoriented to LPS so a slice shows the patient's right on the image's left and
/// anterior at the top (the radiological view); the MRI becomes 8-bit once for the whole volume, as the predictor
/// does for volumes. Objects: every atlas region of at least <see cref="MinArea"/> pixels on a slice, plus the whole
/// labelled brain (label 0 here).
/// </summary>
public static class ColinSlices
{
    public const int MinArea = 200;

    public static List<AtlasSlice> Load(string mriPath, string atlasPath, string namesPath)
    {
        var mri = NiftiReader.ReadVolume(mriPath).Reorient("LPS");
        var atlas = NiftiReader.ReadVolume(atlasPath).Reorient("LPS");
        if (mri.Width != atlas.Width || mri.Height != atlas.Height || mri.Depth != atlas.Depth)
            throw new InvalidDataException($"the atlas grid {atlas.Shape} differs from the MRI's {mri.Shape}");
        var names = File.ReadLines(namesPath).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 2 && int.TryParse(p[0], out _)).ToDictionary(p => int.Parse(p[0]), p => p[1]);
        var u8 = SamImage.ToUInt8(mri);
        var labels = atlas.ToFloat32();
        int w = mri.Width, h = mri.Height, n = w * h;
        var slices = new List<AtlasSlice>();
        for (int k = 0; k < mri.Depth; k++)
        {
            var objects = new List<SliceObject>();
            var plane = labels.AsSpan(k * n, n);
            var ids = new int[n];
            var brain = new byte[n];
            var byLabel = new Dictionary<int, byte[]>();
            for (int i = 0; i < n; i++)
            {
                int l = ids[i] = (int)plane[i];
                if (l <= 0) continue;
                brain[i] = 1;
                if (!byLabel.TryGetValue(l, out var m)) byLabel[l] = m = new byte[n];
                m[i] = 1;
            }
            foreach (var (l, m) in byLabel.OrderBy(e => e.Key)) Add(objects, l, names.GetValueOrDefault(l, $"label {l}"), m, w, h);
            if (objects.Count == 0) continue;
            Add(objects, 0, "Brain", brain, w, h);
            slices.Add(new AtlasSlice(k, u8.Slice(k), ids, objects));
        }
        return slices;
    }

    private static void Add(List<SliceObject> objects, int label, string name, byte[] mask, int w, int h)
    {
        int area = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            if (mask[y * w + x] == 0) continue;
            area++;
            x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y);
        }
        if (area >= MinArea) objects.Add(new SliceObject(label, name, mask, area, new SamBox(x0, y0, x1 + 1, y1 + 1)));
    }
}
