using System.Globalization;
using MedFM.Cli.Tests.Support;
using MedFM.Imaging;
using MedFM.TestSupport;
using MedFM.Imaging.Png;
using MedFM.Models.Sam;
using MedFM.Tensors.IO;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>`medfm segment` on the bundled sample with the bundled model, as the README runs it, and its contract.</summary>
public class SegmentCommandTests
{
    /// <summary>The README's structure: the left thalamus (AAL label 77) on the bundled slice.</summary>
    public const int Label = 77;

    private static string BoxText(int label, int k)
    {
        var r = SegmentSupport.Region(label, k);
        return string.Create(CultureInfo.InvariantCulture, $"{r.X0},{r.Y0},{r.X1},{r.Y1}");
    }

    private static string ModelPath => Path.Combine(AppContext.BaseDirectory, "models", "medfm_sam_tiny.safetensors");

    [Fact]
    public void BundledSample_GivesAMaskThatMatchesTheAtlas_AndAnOverlay()
    {
        var dir = CliRunner.TempDir();
        string mask = Path.Combine(dir, "mask.png"), overlay = Path.Combine(dir, "overlay.png");
        var r = CliRunner.Run("segment", SegmentSupport.Sample, "--box", BoxText(Label, SegmentSupport.SampleSlice), "--out", mask, "--overlay", overlay);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("medfm_sam_tiny", r.Stdout);

        var sample = PngReader.Read(SegmentSupport.Sample);
        var m = PngReader.Read(mask);
        Assert.Equal((sample.Width, sample.Height, 1), (m.Width, m.Height, m.Components));
        Assert.All(m.GetData<byte>().ToArray(), v => Assert.True(v is 0 or 255));
        double dice = SegmentSupport.Dice(m.GetData<byte>(), SegmentSupport.Region(Label, SegmentSupport.SampleSlice).Mask);
        Assert.True(dice >= 0.75, $"Dice with the atlas region {dice:F3}");

        var o = PngReader.Read(overlay);
        Assert.Equal((sample.Width, sample.Height, 3), (o.Width, o.Height, o.Components));
        int changed = 0;
        var grey = sample.GetData<byte>();
        var rgb = o.GetData<byte>();
        for (int i = 0; i < grey.Length; i++)
            if (rgb[3 * i] != grey[i] || rgb[3 * i + 1] != grey[i] || rgb[3 * i + 2] != grey[i]) changed++;
        int area = m.GetData<byte>().ToArray().Count(v => v != 0);
        Assert.Equal(area, changed);   // the overlay colours exactly the mask's pixels
    }

    [Fact]
    public void Mask_EqualsTheLibraryPredictor_AndLogitsAreSavedPerMask()
    {
        var dir = CliRunner.TempDir();
        string mask = Path.Combine(dir, "m.png"), logits = Path.Combine(dir, "l.npy");
        string box = BoxText(Label, SegmentSupport.SampleSlice);
        var r = CliRunner.Run("segment", SegmentSupport.Sample, "--box", box, "--point", "60,120,1", "--multimask", "--out", mask, "--save-logits", logits);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var predictor = new SamPredictor(SamLoader.Load(SamPresets.MedFmTiny, ModelPath));
        predictor.SetImage(SamImage.ToRgb(PngReader.Read(SegmentSupport.Sample)));
        var p = predictor.Predict(new SamPromptSet { Box = SamBox.Parse(box), Points = new[] { new SamPoint(60, 120, true) } }, multimask: true);
        Assert.Equal(p.MaskBytes(p.Best, 255), PngReader.Read(mask).GetData<byte>().ToArray());
        var saved = Npy.Read(logits);
        Assert.Equal(new[] { 3, 64, 64 }, saved.Shape);
        Assert.Equal(p.LowResLogits, saved.ToFloat32());
    }

    [Fact]
    public void SavedEmbedding_ReprompsWithoutEncoding_ToTheSameMask()
    {
        var dir = CliRunner.TempDir();
        string emb = Path.Combine(dir, "e.npy"), a = Path.Combine(dir, "a.png"), b = Path.Combine(dir, "b.png");
        string box = BoxText(Label, SegmentSupport.SampleSlice);
        Assert.Equal(0, CliRunner.Run("segment", SegmentSupport.Sample, "--box", box, "--out", a, "--save-embedding", emb).ExitCode);
        var r = CliRunner.Run("segment", SegmentSupport.Sample, "--box", box, "--out", b, "--load-embedding", emb);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("embedding loaded", r.Stdout);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void Volume_PropagatesThroughA3DBox_KeepsGeometry_AndMatchesTheAtlasIn3D()
    {
        var dir = CliRunner.TempDir();
        string volume = Path.Combine(dir, "t1_lps.nii.gz"), output = Path.Combine(dir, "mask.nii.gz"), overlay = Path.Combine(dir, "key.png");
        var mri = SegmentSupport.LpsMri;
        MedFM.Imaging.Nifti.NiftiWriter.Write(mri, volume);
        // The 3-D box: the structure's box on the sample slice and the slices the atlas gives it.
        var r2 = SegmentSupport.Region(Label, SegmentSupport.SampleSlice);
        var (first, last) = SegmentSupport.SliceRange(Label);
        var box = string.Join(',', r2.X0, r2.Y0, first, r2.X1, r2.Y1, last);
        var r = CliRunner.Run("segment", volume, "--box", box, "--out", output, "--overlay", overlay);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"segmented slices {first}..{last}", r.Stdout);

        var labels = MedFM.Imaging.Nifti.NiftiReader.ReadVolume(output);
        Assert.Equal(mri.Shape, labels.Shape);
        Assert.True(labels.Geometry.ApproximatelyEquals(mri.Geometry.InFrame(labels.Geometry.Frame), 1e-4));
        var truth = SegmentSupport.LpsAtlas.ToFloat32().Select(v => (byte)((int)v == Label ? 1 : 0)).ToArray();
        var got = labels.ToFloat32().Select(v => (byte)(v > 0 ? 1 : 0)).ToArray();
        double dice = SegmentSupport.Dice(got, truth);
        Assert.True(dice >= 0.6, $"3-D Dice with the atlas structure {dice:F3}");
        var o = PngReader.Read(overlay);
        Assert.Equal((mri.Width, mri.Height, 3), (o.Width, o.Height, o.Components));
    }

    [Fact]
    public void StopIou_EndsPropagationAtTheFirstSliceBelowIt_LeavingThatSliceEmpty()
    {
        var dir = CliRunner.TempDir();
        string volume = Path.Combine(dir, "t1_lps.nii.gz"), output = Path.Combine(dir, "mask.nii.gz");
        MedFM.Imaging.Nifti.NiftiWriter.Write(SegmentSupport.LpsMri, volume);
        int k = SegmentSupport.SampleSlice;
        Assert.Contains("--stop-iou", CliRunner.Run("segment", volume, "--box", BoxText(Label, k), "--slice", k.ToString(), "--stop-iou", "1.5").Stderr);
        // The bundled model's IoU head is untrained (its predictions stay far below 1): each direction stops at its
        // first neighbour, whose mask is discarded.
        var r = CliRunner.Run("segment", volume, "--box", BoxText(Label, k), "--slice", k.ToString(), "--stop-iou", "1", "--out", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"segmented slices {k - 1}..{k + 1} (3)", r.Stdout);
        var labels = MedFM.Imaging.Nifti.NiftiReader.ReadVolume(output);
        var data = labels.GetData<byte>();
        int plane = labels.Width * labels.Height;
        for (int z = 0; z < labels.Depth; z++)
        {
            bool any = data.Slice(z * plane, plane).IndexOfAnyExcept((byte)0) >= 0;
            Assert.Equal(z == k, any);
        }
    }

    [Theory]
    [InlineData("box outside", "--box", "10,10,400,50")]
    [InlineData("inverted box", "--box", "50,50,10,10")]
    [InlineData("empty box", "--box", "30,30,30,60")]
    [InlineData("point off the image", "--point", "500,10,1")]
    [InlineData("bad point label", "--point", "10,10,2")]
    [InlineData("3-D box on a 2-D image", "--box", "1,1,0,20,20,3")]
    [InlineData("preset without weights", "--model", "sam_vit_b")]
    [InlineData("unknown preset", "--model", "sam_vit_x")]
    public void BadRequests_FailWithOneLine_AndWriteNothing(string why, string flag, string value)
    {
        var dir = CliRunner.TempDir();
        string mask = Path.Combine(dir, "m.png");
        var args = new List<string> { "segment", SegmentSupport.Sample, flag, value, "--out", mask };
        if (flag == "--model") args.AddRange(new[] { "--box", "10,10,50,50" });
        var r = CliRunner.Run(args.ToArray());
        Assert.True(r.ExitCode != 0, why);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{why}: {r.Stderr}");
        Assert.StartsWith("medfm: error:", lines[0]);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void CheckpointWithoutModel_TakesThePresetItsEncoderMatches()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run("segment", SegmentSupport.Sample, "--box", BoxText(Label, SegmentSupport.SampleSlice),
            "--checkpoint", ModelPath, "--out", Path.Combine(dir, "m.png"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"model    medfm_sam_tiny ({ModelPath})", r.Stdout);
    }

    [Fact]
    public void CheckpointOfAnotherSize_IsRefusedByName()
    {
        var dir = CliRunner.TempDir();
        // The bundled (96-wide, 6-block) weights offered to the ViT-B preset: refused, naming the mis-shaped keys.
        var r = CliRunner.Run("segment", SegmentSupport.Sample, "--box", "10,10,50,50", "--model", "sam_vit_b",
            "--checkpoint", ModelPath, "--out", Path.Combine(dir, "m.png"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("image_encoder.pos_embed: checkpoint [1, 16, 16, 96], model [1, 64, 64, 768]", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void VolumeRequests_ThatCannotBeMet_AreRefusedBeforeAnyWork()
    {
        var dir = CliRunner.TempDir();
        string fourD = RepoPaths.TestData("nibabel/example4d.nii.gz");
        var r = CliRunner.Run("segment", fourD, "--box", "10,10,40,40", "--slice", "2", "--out", Path.Combine(dir, "m.nii.gz"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("4-D", r.Stderr);

        var t1 = RepoPaths.TestData("mricron/ch2.nii.gz");
        r = CliRunner.Run("segment", t1, "--box", "10,10,40,40", "--out", Path.Combine(dir, "m.nii.gz"));
        Assert.Contains("--slice", r.Stderr);
        r = CliRunner.Run("segment", t1, "--box", "10,10,40,40", "--slice", "500", "--out", Path.Combine(dir, "m.nii.gz"));
        Assert.Contains("outside", r.Stderr);
        r = CliRunner.Run("segment", t1, "--box", "10,10,40,40", "--slice", "50", "--out", Path.Combine(dir, "m.png"));
        Assert.Contains(".nii.gz", r.Stderr);
        r = CliRunner.Run("segment", t1, "--box", "10,10,40,40", "--slice", "50", "--out", Path.Combine(dir, "seg.dcm"));
        Assert.Contains("DICOM", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
    }
}
