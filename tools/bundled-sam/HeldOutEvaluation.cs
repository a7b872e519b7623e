using MedFM.Imaging;
using MedFM.Imaging.Png;
using MedFM.Models.Sam;

namespace MedFM.BundledSam;

/// <summary>One held-out object: Dice of the predictor's mask (tight box prompt, original pixels) with the atlas.</summary>
public sealed record ObjectScore(int K, int Label, string Name, int Area, double Dice, SamBox Box);

/// <summary>
/// Scores a model the way a user runs it: each held-out slice goes through <see cref="SamPredictor"/> (the preset's
/// preprocessing, encoder once per slice), each object is prompted with its tight bounding box, and the mask at the
/// slice's own size is compared with the atlas region (Dice = 2|A∩B| / (|A| + |B|)).
/// </summary>
public sealed class HeldOutEvaluation
{
    public const int SampleSlice = 75;

    private HeldOutEvaluation(List<ObjectScore> scores) => Scores = scores;

    public IReadOnlyList<ObjectScore> Scores { get; }

    public static HeldOutEvaluation Run(SamModel model, IEnumerable<AtlasSlice> slices)
    {
        var predictor = new SamPredictor(model);
        var scores = new List<ObjectScore>();
        foreach (var s in slices)
        {
            predictor.SetImage(SamImage.ToRgb(s.Image));
            foreach (var o in s.Objects)
            {
                var mask = predictor.Predict(new SamPromptSet { Box = o.Box }).MaskBytes(0, 1);
                scores.Add(new ObjectScore(s.K, o.Label, o.Name, o.Area, Dice(mask, o.Mask), o.Box));
            }
        }
        return new HeldOutEvaluation(scores);
    }

    public static double Dice(byte[] a, byte[] b)
    {
        long inter = 0, sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            inter += a[i] & b[i];
            sum += a[i] + b[i];
        }
        return sum == 0 ? 1 : 2.0 * inter / sum;
    }

    private double Mean(Func<ObjectScore, bool> where) => Scores.Where(where).Select(s => s.Dice).DefaultIfEmpty(double.NaN).Average();

    private double Median(Func<ObjectScore, bool> where)
    {
        var d = Scores.Where(where).Select(s => s.Dice).Order().ToArray();
        return d.Length == 0 ? double.NaN : d.Length % 2 == 1 ? d[d.Length / 2] : (d[d.Length / 2 - 1] + d[d.Length / 2]) / 2;
    }

    public string Summary() =>
        $"held-out Dice over {Scores.Count} objects: mean {Mean(_ => true):F3}, median {Median(_ => true):F3}; " +
        $"regions only {Mean(s => s.Label > 0):F3}; whole brain {Mean(s => s.Label == 0):F3}; " +
        $"regions >= 1000 px {Mean(s => s.Label > 0 && s.Area >= 1000):F3}";

    public object ToJson() => new
    {
        objects = Scores.Count,
        mean_dice = Math.Round(Mean(_ => true), 4),
        median_dice = Math.Round(Median(_ => true), 4),
        regions_mean_dice = Math.Round(Mean(s => s.Label > 0), 4),
        whole_brain_mean_dice = Math.Round(Mean(s => s.Label == 0), 4),
        regions_over_1000px_mean_dice = Math.Round(Mean(s => s.Label > 0 && s.Area >= 1000), 4),
        sample_slice = Scores.Where(s => s.K == SampleSlice).Select(s => new
        {
            label = s.Label, name = s.Name, area = s.Area, dice = Math.Round(s.Dice, 4),
            box = $"{s.Box.X0},{s.Box.Y0},{s.Box.X1},{s.Box.Y1}",
        }),
    };

    /// <summary>Writes the held-out sample slice as an 8-bit PNG (it is what the README segments).</summary>
    public static void WriteSample(IEnumerable<AtlasSlice> slices, string outDir)
    {
        var s = slices.First(x => x.K == SampleSlice);
        PngWriter.Write(s.Image, Path.Combine(outDir, $"colin27_t1_axial_{SampleSlice}.png"));
    }
}
