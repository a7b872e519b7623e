using System.Buffers.Binary;
using System.Text;
using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Nifti;

/// <summary>Which header transform gave a NIfTI image its geometry.</summary>
public enum NiftiAffineSource
{
    /// <summary>sform_code ≠ 0: the srow_x/y/z rows.</summary>
    Sform,

    /// <summary>qform_code ≠ 0 (and no sform): quaternion, qfac, pixdim and qoffset.</summary>
    Qform,

    /// <summary>Neither code set: nibabel's base affine (pixdim scaling, x flipped, centred on the grid).</summary>
    Base,
}

/// <summary>
/// A NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header, as in nifti1.h / nifti2.h
/// (reference: NIfTI-1 and NIfTI-2 standards, nifti.nimh.nih.gov; nibabel/nifti1.py, nibabel/nifti2.py).
/// Fields keep their header meaning; the affine rules live in <see cref="NiftiTransforms"/>.
/// </summary>
public sealed partial class NiftiHeader
{
    public const int Nifti1Size = 348;
    public const int Nifti2Size = 540;

    /// <summary>1 for NIfTI-1, 2 for NIfTI-2.</summary>
    public int Version { get; init; } = 1;

    /// <summary>True when the file was stored big-endian.</summary>
    public bool BigEndian { get; init; }

    /// <summary>True for a .hdr/.img pair (magic "ni1"/"ni2"), false for a single .nii (magic "n+1"/"n+2").</summary>
    public bool IsPair { get; init; }

    /// <summary>dim[0..7]: dim[0] is the number of dimensions, dim[1..] the sizes.</summary>
    public long[] Dim { get; init; } = [3, 1, 1, 1, 1, 1, 1, 1];

    public NiftiDataType DataType { get; init; } = NiftiDataType.UInt8;
    public int BitPix { get; init; } = 8;

    /// <summary>pixdim[0..7]: pixdim[0] is qfac (±1), pixdim[1..3] the voxel size, pixdim[4] the time step.</summary>
    public double[] PixDim { get; init; } = [1, 1, 1, 1, 1, 1, 1, 1];

    /// <summary>Byte offset of the voxel data in the .nii (0 usual for a pair's .img).</summary>
    public long VoxOffset { get; init; }

    public double SclSlope { get; init; }
    public double SclInter { get; init; }
    public double CalMax { get; init; }
    public double CalMin { get; init; }
    public double SliceDuration { get; init; }
    public double TOffset { get; init; }
    public long SliceStart { get; init; }
    public long SliceEnd { get; init; }
    public int SliceCode { get; init; }
    public int XyztUnits { get; init; }
    public int IntentCode { get; init; }
    public double IntentP1 { get; init; }
    public double IntentP2 { get; init; }
    public double IntentP3 { get; init; }
    public string IntentName { get; init; } = "";
    public byte DimInfo { get; init; }
    public string Description { get; init; } = "";
    public string AuxFile { get; init; } = "";
    public int QformCode { get; init; }
    public int SformCode { get; init; }
    public double QuaternB { get; init; }
    public double QuaternC { get; init; }
    public double QuaternD { get; init; }
    public double QOffsetX { get; init; }
    public double QOffsetY { get; init; }
    public double QOffsetZ { get; init; }
    public double[] SrowX { get; init; } = [1, 0, 0, 0];
    public double[] SrowY { get; init; } = [0, 1, 0, 0];
    public double[] SrowZ { get; init; } = [0, 0, 1, 0];

    /// <summary>Header size in bytes (348 or 540).</summary>
    public int HeaderSize => Version == 2 ? Nifti2Size : Nifti1Size;

    /// <summary>The number of dimensions, dim[0].</summary>
    public int NDim => (int)Dim[0];

    /// <summary>The spatial units code (xyzt_units &amp; 7): 1 m, 2 mm, 3 µm.</summary>
    public int SpatialUnits => XyztUnits & 7;

    /// <summary>The temporal units code (xyzt_units &amp; 56): 8 s, 16 ms, 24 µs.</summary>
    public int TemporalUnits => XyztUnits & 56;

    /// <summary>The voxel-to-world (RAS) affine chosen by nibabel's rule (see <see cref="NiftiTransforms.BestAffine"/>).</summary>
    public AffineMatrix Affine => NiftiTransforms.BestAffine(this, out _);

    /// <summary>Which transform <see cref="Affine"/> came from.</summary>
    public NiftiAffineSource AffineSource
    {
        get { NiftiTransforms.BestAffine(this, out var s); return s; }
    }

    /// <summary>The volume shape: dim[1..3] spatial, dim[4] frames, components from the datatype.</summary>
    public VolumeShape Shape => new(
        (int)DimOrOne(1), (int)DimOrOne(2), (int)DimOrOne(3), NiftiDataTypes.Components(DataType), (int)DimOrOne(4));

    /// <summary>dim[i] when i ≤ dim[0], else 1.</summary>
    public long DimOrOne(int i) => i <= NDim ? Dim[i] : 1;

    /// <summary>The scaling that applies (nibabel's rule): none when scl_slope is 0 or not finite; otherwise (slope, inter).</summary>
    public (double Slope, double Inter)? Scaling =>
        SclSlope == 0 || !double.IsFinite(SclSlope) ? null : (SclSlope, SclInter);

    private static string ReadString(ReadOnlySpan<byte> b)
    {
        int end = b.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end < 0 ? b : b[..end]);
    }

    private static void WriteString(Span<byte> b, string s)
    {
        b.Clear();
        var bytes = Encoding.Latin1.GetBytes(s);
        bytes.AsSpan(0, Math.Min(bytes.Length, b.Length - 1)).CopyTo(b);
    }

    /// <summary>Endian-aware field access on a header buffer.</summary>
    private readonly ref struct Fields(Span<byte> b, bool big)
    {
        private readonly Span<byte> _b = b;
        public short I16(int o) => big ? BinaryPrimitives.ReadInt16BigEndian(_b[o..]) : BinaryPrimitives.ReadInt16LittleEndian(_b[o..]);
        public int I32(int o) => big ? BinaryPrimitives.ReadInt32BigEndian(_b[o..]) : BinaryPrimitives.ReadInt32LittleEndian(_b[o..]);
        public long I64(int o) => big ? BinaryPrimitives.ReadInt64BigEndian(_b[o..]) : BinaryPrimitives.ReadInt64LittleEndian(_b[o..]);
        public float F32(int o) => big ? BinaryPrimitives.ReadSingleBigEndian(_b[o..]) : BinaryPrimitives.ReadSingleLittleEndian(_b[o..]);
        public double F64(int o) => big ? BinaryPrimitives.ReadDoubleBigEndian(_b[o..]) : BinaryPrimitives.ReadDoubleLittleEndian(_b[o..]);
        public void I16(int o, short v) { if (big) BinaryPrimitives.WriteInt16BigEndian(_b[o..], v); else BinaryPrimitives.WriteInt16LittleEndian(_b[o..], v); }
        public void I32(int o, int v) { if (big) BinaryPrimitives.WriteInt32BigEndian(_b[o..], v); else BinaryPrimitives.WriteInt32LittleEndian(_b[o..], v); }
        public void I64(int o, long v) { if (big) BinaryPrimitives.WriteInt64BigEndian(_b[o..], v); else BinaryPrimitives.WriteInt64LittleEndian(_b[o..], v); }
        public void F32(int o, double v) { if (big) BinaryPrimitives.WriteSingleBigEndian(_b[o..], (float)v); else BinaryPrimitives.WriteSingleLittleEndian(_b[o..], (float)v); }
        public void F64(int o, double v) { if (big) BinaryPrimitives.WriteDoubleBigEndian(_b[o..], v); else BinaryPrimitives.WriteDoubleLittleEndian(_b[o..], v); }
    }
}
