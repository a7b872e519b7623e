using MedFM.Cli.Tests.Support;
using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Tests.Dicom;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>
/// `medfm convert` DICOM → NIfTI against an independent converter, Debian's dcm2niix, on the same series: every voxel
/// of our volume is looked up in dcm2niix's volume through the two files' affines (dcm2niix orders and flips axes its
/// own way), so both the HU values and the geometry (slice order, spacing, orientation, origin) must agree.
/// </summary>
public sealed class ConvertOracleTests : IDisposable
{
    private readonly string _dir = CliRunner.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Orientations() => ["axial", "oblique", "sagittal", "coronal-reversed-step"];

    private static SeriesMaker Maker(string name)
    {
        double c = Math.Cos(0.4), s = Math.Sin(0.4);
        return name switch
        {
            "axial" => new SeriesMaker { Slices = 6 },
            // Rotated about x and z: rows and columns both leave the axial plane.
            "oblique" => new SeriesMaker { Slices = 6, Row = [c, s, 0], Col = [-s * c, c * c, s] },
            "sagittal" => new SeriesMaker { Slices = 5, Row = [0, 1, 0], Col = [0, 0, -1] },
            // Coronal with positions stepping against the normal (slice k = 0 is the highest position).
            "coronal-reversed-step" => new SeriesMaker { Slices = 5, Row = [1, 0, 0], Col = [0, 0, -1], Step = -3.0 },
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void DicomToNifti_AgreesWithDcm2niix_VoxelByVoxelInWorldSpace(string orientation)
    {
        var m = Maker(orientation);
        var folder = Path.Combine(_dir, "dicom");
        Directory.CreateDirectory(folder);
        m.WriteAll(folder);
        var ours = Path.Combine(_dir, "ours.nii.gz");
        var r = CliRunner.Run("convert", folder, "--out", ours);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var refDir = Path.Combine(_dir, "ref");
        Directory.CreateDirectory(refDir);
        DcmtkTools.Run("dcm2niix", "-z", "n", "-b", "n", "-f", "ref", "-o", refDir, folder);

        var a = NiftiReader.ReadVolume(ours);
        var b = NiftiReader.ReadVolume(Path.Combine(refDir, "ref.nii"));
        Assert.Equal(a.Shape.VoxelsPerFrame, b.Shape.VoxelsPerFrame);
        Assert.Equal(AnatomicalFrame.Ras, b.Geometry.Frame);
        int checkedVoxels = 0;
        for (int k = 0; k < a.Depth; k++)
            for (int j = 0; j < a.Height; j++)
                for (int i = 0; i < a.Width; i++)
                {
                    var world = a.Geometry.IndexToWorld(i, j, k);
                    var index = b.Geometry.WorldToIndex(world);
                    int bi = (int)Math.Round(index.X), bj = (int)Math.Round(index.Y), bk = (int)Math.Round(index.Z);
                    Assert.True(Math.Abs(index.X - bi) + Math.Abs(index.Y - bj) + Math.Abs(index.Z - bk) < 1e-3,
                        $"voxel ({i},{j},{k}) at {world} falls between dcm2niix voxels: {index}");
                    Assert.Equal(b.GetValue(bi, bj, bk), a.GetValue(i, j, k));
                    checkedVoxels++;
                }
        Assert.Equal(m.Cols * m.Rows * m.Slices, checkedVoxels);
    }
}
