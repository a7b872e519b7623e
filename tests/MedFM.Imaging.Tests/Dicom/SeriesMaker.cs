using System.Globalization;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.Nifti;
using MedFM.TestSupport;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Writes CT-like series slice by slice with dump2dcm, from a crop of the Colin27 T1 template (ch2.nii.gz) whose voxels
/// become stored values: HU = stored · slope + intercept. Geometry (orientation, spacing, step, order, tilt) is chosen
/// per test, so every expectation is known in advance.
/// </summary>
internal sealed class SeriesMaker
{
    public int Cols = 24, Rows = 20, Slices = 8;
    public double[] Row = [1, 0, 0], Col = [0, 1, 0];
    public double RowSpacing = 0.9, ColSpacing = 0.8, Step = 2.5;
    public double[] Origin = [-40.5, -60.25, 12.0];
    /// <summary>Extra displacement per slice along the column direction (mm), modelling a gantry tilt.</summary>
    public double TiltShift;
    public double Slope = 2, Intercept = -1024;
    public string SeriesUid = "1.2.826.0.1.3680043.2.1125.5.1";
    public string StudyUid = "1.2.826.0.1.3680043.2.1125.5";
    public string FrameOfReference = "1.2.826.0.1.3680043.2.1125.5.9";
    public double SliceThicknessTag = 5.0;

    private static short[]? _colin;
    private static int _cw, _ch, _cd;

    /// <summary>Stored value of voxel (i, j, k) of the series: Colin27 from a fixed corner.</summary>
    public static short Stored(int i, int j, int k)
    {
        if (_colin is null)
        {
            var v = NiftiReader.ReadVolume(RepoPaths.TestData("mricron/ch2.nii.gz"));
            _cw = v.Width; _ch = v.Height; _cd = v.Depth;
            _colin = v.ToFloat32().Select(x => (short)Math.Round(x)).ToArray();
        }
        return _colin[((k + 80) * _ch + (j + 90)) * _cw + (i + 70)];
    }

    public Vector3d Normal => new Vector3d(Row[0], Row[1], Row[2]).Cross(new Vector3d(Col[0], Col[1], Col[2])).Normalized();

    /// <summary>Position of slice k: origin + k·(step·normal + tiltShift·column).</summary>
    public Vector3d Position(int k)
    {
        var c = new Vector3d(Col[0], Col[1], Col[2]);
        return new Vector3d(Origin[0], Origin[1], Origin[2]) + Normal * (k * Step) + c * (k * TiltShift);
    }

    /// <summary>Writes slice k into <paramref name="dir"/> as file <paramref name="name"/> (instance number k + 1 unless given).</summary>
    public string WriteSlice(string dir, int k, string name, int? instanceNumber = null, Vector3d? position = null, Action<DumpBuilder>? extra = null)
    {
        var p = position ?? Position(k);
        var d = DumpBuilder.Image($"{SeriesUid}.{k + 1}", SeriesUid, study: StudyUid)
            .Text("0020,0052", "UI", FrameOfReference).Text("0008,0020", "DA", "20240102").Text("0008,0030", "TM", "101500").Text("0020,0010", "SH", "S1")
            .Text("0020,0013", "IS", (instanceNumber ?? k + 1).ToString(CultureInfo.InvariantCulture))
            .Pixels(Rows, Cols, 16, 16, signed: true)
            .Plane([p.X, p.Y, p.Z], [.. Row, .. Col], RowSpacing, ColSpacing, SliceThicknessTag)
            .Ds("0028,1052", Intercept).Ds("0028,1053", Slope)
            .Ds("0028,1050", 40).Ds("0028,1051", 400).Text("0028,1055", "LO", "SOFT");
        extra?.Invoke(d);
        var raw = new byte[Rows * Cols * 2];
        for (int j = 0; j < Rows; j++)
            for (int i = 0; i < Cols; i++)
                BitConverter.TryWriteBytes(raw.AsSpan((j * Cols + i) * 2), Stored(i, j, k));
        return d.Write(dir, name, raw, words: true);
    }

    /// <summary>Writes all slices, named in reverse order of k so that names never give the order away.</summary>
    public List<string> WriteAll(string dir, Func<int, bool>? include = null)
    {
        var files = new List<string>();
        for (int k = 0; k < Slices; k++)
            if (include?.Invoke(k) ?? true) files.Add(WriteSlice(dir, k, $"img{Slices - k:D3}.dcm"));
        return files;
    }

    /// <summary>The expected HU of voxel (i, j, k).</summary>
    public float Hu(int i, int j, int k) => (float)(Stored(i, j, k) * Slope + Intercept);
}
