using MedFM.Imaging.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Native pixel data in every layout (1/8/16/32 bits, masking, signedness, planar configuration, multi-frame) and the
/// same files converted by dcmtk/GDCM into every transfer syntax with a lossless codec: our stored values must equal
/// the values written (worked out independently in <see cref="PixelCase"/>).
/// </summary>
public sealed class DicomPixelTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static readonly DicomReadOptions Stored = new() { ApplyModalityLut = false, InvertMonochrome1 = false };

    public static IEnumerable<object[]> Cases() => PixelCase.Native.Select(c => new object[] { c.Name });

    private static PixelCase Case(string name) => PixelCase.Native.Single(c => c.Name == name).Generate();

    internal static long[] Values(Volume v)
    {
        var r = new long[v.ElementCount];
        // Switch on the voxel type, not the array type: the CLR lets short[] pass as ushort[] (and sbyte[] as byte[]).
        switch (v.VoxelType)
        {
            case VoxelType.UInt8: { var a = (byte[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = a[i]; break; }
            case VoxelType.Int8: { var a = (sbyte[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = a[i]; break; }
            case VoxelType.UInt16: { var a = (ushort[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = a[i]; break; }
            case VoxelType.Int16: { var a = (short[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = a[i]; break; }
            case VoxelType.UInt32: { var a = (uint[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = a[i]; break; }
            case VoxelType.Int32: { var a = (int[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = a[i]; break; }
            case VoxelType.Float32: { var a = (float[])v.Data; for (int i = 0; i < a.Length; i++) r[i] = (long)Math.Round(a[i]); break; }
            default: throw new InvalidOperationException(v.VoxelType.ToString());
        }
        return r;
    }

    private static void AssertCase(PixelCase c, string path, string expectedSyntax)
    {
        var image = DicomImageReader.Read(path, Stored);
        Assert.Equal(expectedSyntax, image.File.TransferSyntax.Uid);
        Assert.Equal(new VolumeShape(c.Cols, c.Rows, c.Frames, c.Samples), image.Volume.Shape);
        Assert.Equal(c.Expected, Values(image.Volume));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NativeLayouts_InUncompressedSyntaxes(string name)
    {
        var c = Case(name);
        var src = c.Write(_dir.Path);
        AssertCase(c, src, TransferSyntax.ExplicitVRLittleEndian.Uid);
        foreach (var (opt, ts) in new[] { ("+ti", TransferSyntax.ImplicitVRLittleEndian), ("+tb", TransferSyntax.ExplicitVRBigEndian), ("+td", TransferSyntax.DeflatedExplicitVRLittleEndian) })
            AssertCase(c, DcmtkTools.Convert("dcmconv", src, _dir.File($"{name}{opt}.dcm"), opt), ts.Uid);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rle_ManagedDecoder(string name)
    {
        var c = Case(name);
        if (c.BitsAllocated == 1) return; // dcmcrle does not encode 1-bit data (asserted in Rle_OneBitIsRefusedByDcmcrle)
        var src = c.Write(_dir.Path);
        AssertCase(c, DcmtkTools.Convert("dcmcrle", src, _dir.File(name + "-rle.dcm")), TransferSyntax.RleLossless.Uid);
    }
}
