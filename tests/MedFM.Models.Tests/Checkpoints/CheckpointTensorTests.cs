using System.Buffers.Binary;
using MedFM.Models.Checkpoints;
using Xunit;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>Element conversion and strided views of raw checkpoint tensors, against hand-worked values.</summary>
public class CheckpointTensorTests
{
    private static CheckpointTensor Tensor(CheckpointDType dtype, byte[] data, int[] shape, long[]? strides = null, long offset = 0, bool bigEndian = false) =>
        new("t", dtype, shape, strides ?? MedFM.Tensors.IO.RawElements.ContiguousStrides(shape), offset, CheckpointStorage.FromBytes(data, "t", bigEndian));

    private static byte[] U16(params ushort[] v)
    {
        var b = new byte[2 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2 * i), v[i]);
        return b;
    }

    private static void BitsEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(BitConverter.SingleToUInt32Bits(expected[i]), BitConverter.SingleToUInt32Bits(actual[i]));
    }

    [Fact]
    public void Float16_ConvertsExactly()
    {
        // 1, -2, max 65504, smallest subnormal 2^-24, -0, +inf, 0x3555 = 0.25 × (1 + 341/1024)
        var t = Tensor(CheckpointDType.F16, U16(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555), [7]);
        BitsEqual([1f, -2f, 65504f, MathF.Pow(2, -24), -0f, float.PositiveInfinity, 0.333251953125f], t.ToFloat32());
    }

    [Fact]
    public void BFloat16_IsTheUpperHalfOfAFloat32()
    {
        // Enough elements to cover the vectorised path and its tail.
        var bits = Enumerable.Range(0, 37).Select(i => (ushort)(0x3F80 + 7 * i)).Append((ushort)0x0001).Append((ushort)0xC0A0).ToArray();
        var got = Tensor(CheckpointDType.BF16, U16(bits), [bits.Length]).ToFloat32();
        for (int i = 0; i < bits.Length; i++) Assert.Equal((uint)bits[i] << 16, BitConverter.SingleToUInt32Bits(got[i]));
        Assert.Equal(-5f, got[^1]);
    }

    [Fact]
    public void Float64_RoundsToNearestFloat32()
    {
        var d = new[] { 0.1, 1e300, 1e-50, -2.5, 16777217.0 };
        var b = new byte[8 * d.Length];
        for (int i = 0; i < d.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8 * i), d[i]);
        BitsEqual([0.1f, float.PositiveInfinity, 0f, -2.5f, 16777216f], Tensor(CheckpointDType.F64, b, [5]).ToFloat32());
    }

    [Fact]
    public void Integers_ConvertExactlyToInt64_AndToTheNearestFloat()
    {
        var i8 = Tensor(CheckpointDType.I8, [0x80, 0x7F, 0xFF], [3]);
        Assert.Equal([-128L, 127, -1], i8.ToInt64());
        Assert.Equal([-128f, 127, -1], i8.ToFloat32());
        Assert.Equal([0L, 255, 128], Tensor(CheckpointDType.U8, [0, 255, 128], [3]).ToInt64());
        var i64 = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(i64, (1L << 53) + 1);
        BinaryPrimitives.WriteInt64LittleEndian(i64.AsSpan(8), long.MinValue);
        var t = Tensor(CheckpointDType.I64, i64, [2]);
        Assert.Equal([(1L << 53) + 1, long.MinValue], t.ToInt64());
        Assert.Equal([9007199254740992f, -9.223372E18f], t.ToFloat32());
        Assert.Equal([1L, 0, 1], Tensor(CheckpointDType.Bool, [2, 0, 1], [3]).ToInt64()); // any non-zero byte is True
        Assert.Equal([-2L, 1], Tensor(CheckpointDType.I16, [0xFF, 0xFE, 0x00, 0x01], [2], bigEndian: true).ToInt64());
        Assert.Throws<InvalidOperationException>(() => Tensor(CheckpointDType.F32, new byte[4], [1]).ToInt64());
    }

    private static byte[] Arange(int n)
    {
        var b = new byte[4 * n];
        for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), i);
        return b;
    }

    [Fact]
    public void StridedViews_AreGatheredInCOrder()
    {
        // element (i, j) = storage[1 + i + 3 j]
        var t = Tensor(CheckpointDType.F32, Arange(12), [3, 2], [1, 3], offset: 1);
        Assert.False(t.IsContiguous);
        Assert.Equal([1f, 4, 2, 5, 3, 6], t.ToFloat32());
        // Rank 3 with a zero stride (expand) and a permutation: (a, b, c) = storage[2 + 0 a + 4 b + c]
        var e = Tensor(CheckpointDType.F32, Arange(12), [2, 2, 2], [0, 4, 1], offset: 2);
        Assert.Equal([2f, 3, 6, 7, 2, 3, 6, 7], e.ToFloat32());
        // The bytes of a view come out in C order as well: elements 2, 6, 10.
        var column = Tensor(CheckpointDType.F32, Arange(12), [3], [4], offset: 2);
        Assert.Equal(BitConverter.GetBytes(2f).Concat(BitConverter.GetBytes(6f)).Concat(BitConverter.GetBytes(10f)), column.ToBytes());
    }

    [Fact]
    public void ScalarsAndEmptyTensors()
    {
        Assert.Equal([5f], Tensor(CheckpointDType.F32, Arange(8), [], [], offset: 5).ToFloat32());
        var empty = Tensor(CheckpointDType.F32, [], [0, 3]);
        Assert.Empty(empty.ToFloat32());
        Assert.Equal(0, empty.ElementCount);
    }

    [Fact]
    public void ViewsOutsideTheirStorage_AreRefusedAtConstruction()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => Tensor(CheckpointDType.F32, Arange(4), [2, 2], [2, 1], offset: 1));
        Assert.Contains("needs 5 elements", e.Message);
        Assert.Equal("t", e.Entry);
        Assert.Throws<CheckpointFormatException>(() => Tensor(CheckpointDType.F32, Arange(4), [2], [-1], offset: 3));
        Assert.Throws<CheckpointFormatException>(() => Tensor(CheckpointDType.F32, Arange(4), [2], [1, 1]));
        Assert.Throws<CheckpointFormatException>(() => Tensor(CheckpointDType.F64, Arange(1), [1])); // 4 bytes cannot hold one float64
    }

    [Fact]
    public void FactoriesAndRenaming()
    {
        var f = CheckpointTensor.FromFloat32("w", [1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.Equal([2, 3], f.Shape);
        Assert.Equal([3L, 1], f.Strides);
        var renamed = f with { Name = "encoder.w" };
        Assert.Equal("encoder.w", renamed.Name);
        Assert.Same(f.Storage, renamed.Storage);
        Assert.Equal([7L, -8], CheckpointTensor.FromInt64("i", [7, -8], 2).ToInt64());
        Assert.Equal("encoder.w: F32[2, 3]", renamed.ToString());
    }
}
