using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using Xunit;

namespace MedFM.Imaging.Tests;

public class VolumeTests
{
    private static ImageGeometry SampleGeometry() =>
        new(new Vector3d(10, -20, 30), new Vector3d(0.5, 0.75, 2), Matrix3d.Identity, AnatomicalFrame.Lps);

    [Fact]
    public void Layout_IsIFastestThenJThenKThenT_WithInterleavedComponents()
    {
        var shape = new VolumeShape(4, 3, 2, components: 2, frames: 2);
        var data = new short[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = (short)i;
        var v = new Volume(shape, data);
        // (((t*D + k)*H + j)*W + i)*C + c, worked out by hand for (i=3, j=2, k=1, c=1, t=1):
        // ((1*2+1)*3+2)*4+3 = 47; 47*2+1 = 95
        Assert.Equal(95f, v.GetValue(3, 2, 1, c: 1, t: 1));
        Assert.Equal(1f, v.GetValue(0, 0, 0, c: 1));
        Assert.Equal(2f, v.GetValue(1, 0, 0));
        Assert.Equal(8f, v.GetValue(0, 1, 0));
    }

    [Fact]
    public void Constructor_RejectsWrongLengthAndUnsupportedTypes()
    {
        Assert.Throws<VolumeShapeException>(() => new Volume(new VolumeShape(2, 2, 2), new float[7]));
        Assert.Throws<VoxelTypeMismatchException>(() => new Volume(new VolumeShape(2, 1, 1), new long[2]));
        Assert.Throws<VolumeShapeException>(() => new VolumeShape(0, 1, 1));
        Assert.Throws<VolumeShapeException>(() => new Volume(default, new float[1]));
    }

    [Fact]
    public void GetData_IsTypeChecked_IncludingSignedUnsignedAliases()
    {
        var v = new Volume(new VolumeShape(2, 1, 1), new sbyte[] { -1, 5 });
        Assert.Equal(VoxelType.Int8, v.VoxelType);
        Assert.Equal(-1, v.GetData<sbyte>()[0]);
        Assert.Throws<VoxelTypeMismatchException>(() => v.GetData<byte>());
        Assert.Throws<VoxelTypeMismatchException>(() => v.GetData<float>());
    }

    [Fact]
    public void ToFloat32_ConvertsEveryType()
    {
        var len = 70; // longer than a vector so both vector and tail paths run
        var bytes = new byte[len]; var shorts = new short[len]; var ushorts = new ushort[len]; var uints = new uint[len];
        for (int i = 0; i < len; i++)
        {
            bytes[i] = (byte)(i * 3 + 200);
            shorts[i] = (short)(i * 977 - 30000);
            ushorts[i] = (ushort)(i * 937);
            uints[i] = (uint)i * 4000000u;
        }
        var shape = new VolumeShape(len, 1, 1);
        var fb = new Volume(shape, bytes).ToFloat32();
        var fs = new Volume(shape, shorts).ToFloat32();
        var fu = new Volume(shape, ushorts).ToFloat32();
        var fi = new Volume(shape, uints).ToFloat32();
        for (int i = 0; i < len; i++)
        {
            Assert.Equal((float)bytes[i], fb[i]);
            Assert.Equal((float)shorts[i], fs[i]);
            Assert.Equal((float)ushorts[i], fu[i]);
            Assert.Equal((float)uints[i], fi[i]);
        }
    }

    [Fact]
    public void Slice_CopiesSliceOfEveryFrame_AndMovesOrigin()
    {
        var shape = new VolumeShape(2, 2, 3, frames: 2);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = i;
        var v = new Volume(shape, data, SampleGeometry());
        var s = v.Slice(2);
        Assert.Equal(new VolumeShape(2, 2, 1, frames: 2), s.Shape);
        Assert.Equal(v.GetValue(1, 1, 2, t: 1), s.GetValue(1, 1, 0, t: 1));
        Assert.Equal(v.GetValue(0, 1, 2), s.GetValue(0, 1, 0));
        Assert.Equal(new Vector3d(10, -20, 34), s.Geometry.Origin);
        Assert.Equal(v.Geometry.IndexToWorld(1, 1, 2), s.Geometry.IndexToWorld(1, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Slice(3));
    }

    [Fact]
    public void Frame_ExtractsOneTimePoint()
    {
        var shape = new VolumeShape(2, 1, 1, frames: 3);
        var v = new Volume(shape, new ushort[] { 1, 2, 3, 4, 5, 6 }, SampleGeometry());
        var f = v.Frame(2);
        Assert.Equal(1, f.Frames);
        Assert.Equal(new ushort[] { 5, 6 }, f.GetData<ushort>().ToArray());
        Assert.Same(v.Geometry, f.Geometry);
    }

    [Fact]
    public void ConvertTo_RoundsHalfToEvenAndSaturates()
    {
        var v = new Volume(new VolumeShape(6, 1, 1), new float[] { -3.5f, 2.5f, 3.5f, 300f, float.NaN, 254.6f });
        var b = v.ConvertTo(VoxelType.UInt8).GetData<byte>().ToArray();
        Assert.Equal(new byte[] { 0, 2, 4, 255, 0, 255 }, b);
        var s = v.ConvertTo(VoxelType.Int16).GetData<short>().ToArray();
        Assert.Equal(new short[] { -4, 2, 4, 300, 0, 255 }, s);
    }

    [Fact]
    public void LabelVolume_AcceptsOnlyUInt8OrUInt16_AndStaysLabelThroughSlice()
    {
        Assert.Throws<VoxelTypeMismatchException>(() => new LabelVolume(new VolumeShape(2, 1, 1), new float[2]));
        var l = new LabelVolume(new VolumeShape(2, 2, 2), new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, SampleGeometry());
        Assert.IsType<LabelVolume>(l.Slice(1));
        Assert.IsType<LabelVolume>(l.Clone());
        Assert.IsType<Volume>(l.ConvertTo(VoxelType.Float32));
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, l.DistinctLabels());
    }

    [Fact]
    public void LabelVolume_FromVolume_ChoosesNarrowestTypeAndRejectsNonLabels()
    {
        var ints = new Volume(new VolumeShape(3, 1, 1), new int[] { 0, 300, 7 });
        var l = LabelVolume.FromVolume(ints);
        Assert.Equal(VoxelType.UInt16, l.VoxelType);
        Assert.Equal(300f, l.GetValue(1, 0, 0));
        Assert.Throws<VoxelTypeMismatchException>(() => LabelVolume.FromVolume(new Volume(new VolumeShape(1, 1, 1), new float[] { 1.5f })));
        Assert.Throws<VoxelTypeMismatchException>(() => LabelVolume.FromVolume(new Volume(new VolumeShape(1, 1, 1), new int[] { -1 })));
    }
}
