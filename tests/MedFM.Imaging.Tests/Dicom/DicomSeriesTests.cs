using MedFM.Imaging.Dicom;
using MedFM.Imaging.Geometry;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Series → volume on series written slice by slice (Colin27 voxels, known geometry): slice order from positions
/// (file names and instance numbers lie), spacing from positions (SliceThickness lies), HU from the rescale, LPS
/// geometry checked voxel by voxel against each slice's ImagePositionPatient, and the problems a series can have
/// reported as warnings (or errors when strict).
/// </summary>
public sealed class DicomSeriesTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static void AssertVoxels(SeriesMaker m, DicomSeriesVolume s, Func<int, int> kOfSlice)
    {
        var v = s.Volume;
        Assert.Equal(VoxelType.Float32, v.VoxelType);
        var data = v.GetData<float>();
        for (int k = 0; k < v.Depth; k++)
            for (int j = 0; j < v.Height; j++)
                for (int i = 0; i < v.Width; i++)
                    Assert.Equal(m.Hu(i, j, kOfSlice(k)), data[(k * v.Height + j) * v.Width + i]);
    }

    /// <summary>Every voxel's world position equals its slice's IPP + i·column spacing·row direction + j·row spacing·column direction.</summary>
    private static void AssertGeometry(SeriesMaker m, DicomSeriesVolume s, Func<int, int> kOfSlice)
    {
        var g = s.Volume.Geometry;
        Assert.Equal(AnatomicalFrame.Lps, g.Frame);
        var row = new Vector3d(m.Row[0], m.Row[1], m.Row[2]).Normalized();
        var col = new Vector3d(m.Col[0], m.Col[1], m.Col[2]).Normalized();
        for (int k = 0; k < s.Volume.Depth; k++)
            foreach (var (i, j) in new[] { (0, 0), (m.Cols - 1, 0), (3, m.Rows - 1) })
            {
                var expected = m.Position(kOfSlice(k)) + row * (i * m.ColSpacing) + col * (j * m.RowSpacing);
                Assert.True(g.IndexToWorld(i, j, k).MaxAbsDifference(expected) < 1e-6, $"voxel ({i},{j},{k}): {g.IndexToWorld(i, j, k)} vs {expected}");
            }
    }

    [Fact]
    public void AxialSeries_OrderedByPosition_HuAndGeometry()
    {
        var m = new SeriesMaker();
        m.WriteAll(_dir.Path);
        var s = DicomSeriesReader.Load(_dir.Path);
        Assert.Empty(s.Warnings);
        Assert.True(s.Rescaled);
        Assert.Equal(new VolumeShape(m.Cols, m.Rows, m.Slices), s.Volume.Shape);
        AssertVoxels(m, s, k => k);
        AssertGeometry(m, s, k => k);
        Assert.Equal(new Vector3d(0.8, 0.9, 2.5), s.Volume.Geometry.Spacing);
        Assert.Equal("LPS", s.Volume.Geometry.OrientationCode);
        Assert.Equal(Enumerable.Range(1, m.Slices).Select(k => $"{m.SeriesUid}.{k}"), s.Slices.Select(x => x.SopInstanceUid));
        Assert.Equal(new WindowPreset("SOFT", 40, 400), Assert.Single(s.Windows));
    }

    [Fact]
    public void ReversedOrder_ObliqueOrientation_SortsAlongTheNormal()
    {
        double c = Math.Cos(0.3), sn = Math.Sin(0.3);
        var m = new SeriesMaker { Row = [c, sn, 0], Col = [-sn * Math.Cos(0.2), c * Math.Cos(0.2), -Math.Sin(0.2)], Step = -3.0, Slices = 6 };
        m.WriteAll(_dir.Path);
        var s = DicomSeriesReader.Load(_dir.Path);
        Assert.Empty(s.Warnings);
        // A negative step along the normal: the volume starts at the last slice written.
        int last = m.Slices - 1;
        AssertVoxels(m, s, k => last - k);
        AssertGeometry(m, s, k => last - k);
        Assert.Equal(3.0, s.Volume.Geometry.Spacing.Z, 9);
    }

    [Fact]
    public void GantryTilt_IsReported_AndTheShearedGridKeepsEveryPosition()
    {
        var m = new SeriesMaker { TiltShift = 0.6, Slices = 5 };
        m.WriteAll(_dir.Path);
        var s = DicomSeriesReader.Load(_dir.Path);
        var w = Assert.Single(s.Warnings);
        Assert.Equal(DicomWarningKind.GantryTilt, w.Kind);
        Assert.Contains("13.496°", w.Message); // atan(0.6 / 2.5)
        AssertGeometry(m, s, k => k);
        Assert.Throws<DicomSeriesException>(() => DicomSeriesReader.Load(_dir.Path, options: new DicomSeriesOptions { Strict = true }));
    }

    [Fact]
    public void MissingSlice_And_IrregularStep_AreReported()
    {
        var m = new SeriesMaker { Slices = 7 };
        m.WriteAll(_dir.Path, k => k != 3);
        var s = DicomSeriesReader.Load(_dir.Path);
        var w = Assert.Single(s.Warnings);
        Assert.Equal(DicomWarningKind.MissingSlices, w.Kind);
        Assert.StartsWith("1 slice(s) missing", w.Message);
        Assert.Equal(2.5, s.Volume.Geometry.Spacing.Z, 9);
        Assert.Throws<DicomSeriesException>(() => DicomSeriesReader.Load(_dir.Path, options: new DicomSeriesOptions { Strict = true }));

        using var other = new TempDir();
        m.WriteAll(other.Path, k => k != 2);
        m.WriteSlice(other.Path, 2, "odd.dcm", position: m.Position(2) + m.Normal * 0.7);
        var irregular = DicomSeriesReader.Load(other.Path);
        Assert.Equal(new[] { DicomWarningKind.IrregularSpacing, DicomWarningKind.IrregularSpacing }, irregular.Warnings.Select(x => x.Kind));
    }

    [Fact]
    public void DuplicatePosition_MixedSizes_AndNonDicomFiles_AreReported()
    {
        var m = new SeriesMaker { Slices = 4 };
        m.WriteAll(_dir.Path);
        m.WriteSlice(_dir.Path, 1, "dup.dcm", instanceNumber: 99);
        new SeriesMaker { Rows = 10, Cols = 10, Slices = 2 }.WriteAll(Directory.CreateDirectory(_dir.File("small")).FullName);
        File.WriteAllText(_dir.File("notes.txt"), "not dicom");
        var s = DicomSeriesReader.Load(_dir.Path);
        Assert.Equal(4, s.Volume.Depth);
        Assert.Equal(m.Cols, s.Volume.Width);
        var kinds = s.Warnings.Select(w => w.Kind).ToHashSet();
        Assert.Contains(DicomWarningKind.MixedSeries, kinds);
        Assert.Contains(DicomWarningKind.DuplicatePosition, kinds);
        Assert.Contains(DicomWarningKind.Unreadable, kinds);
        Assert.Contains(s.Warnings, w => w.Kind == DicomWarningKind.Unreadable && w.File!.EndsWith("notes.txt"));
        var (all, _) = DicomSeriesReader.Scan(_dir.Path);
        Assert.Equal(2, all.Count);
        Assert.Equal(new[] { 0, 1 }, all.Select(x => x.Part));
    }

    [Fact]
    public void IdentityRescale_KeepsTheStoredType()
    {
        var m = new SeriesMaker { Slope = 1, Intercept = 0, Slices = 3 };
        m.WriteAll(_dir.Path);
        var s = DicomSeriesReader.Load(_dir.Path);
        Assert.False(s.Rescaled);
        Assert.Equal(VoxelType.Int16, s.Volume.VoxelType);
        Assert.Equal(SeriesMaker.Stored(5, 6, 2), s.Volume.GetData<short>()[(2 * m.Rows + 6) * m.Cols + 5]);
    }
}
