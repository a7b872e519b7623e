using System.Buffers.Binary;

namespace MedFM.Imaging.Nifti;

public sealed partial class NiftiHeader
{
    /// <summary>
    /// Decides version and byte order from sizeof_hdr (the first four bytes): 348 → NIfTI-1, 540 → NIfTI-2,
    /// in either byte order. Returns false when neither matches.
    /// </summary>
    public static bool TryDetect(ReadOnlySpan<byte> first4, out int version, out bool bigEndian)
    {
        version = 0; bigEndian = false;
        if (first4.Length < 4) return false;
        int le = BinaryPrimitives.ReadInt32LittleEndian(first4), be = BinaryPrimitives.ReadInt32BigEndian(first4);
        if (le == Nifti1Size || le == Nifti2Size) { version = le == Nifti1Size ? 1 : 2; return true; }
        if (be == Nifti1Size || be == Nifti2Size) { version = be == Nifti1Size ? 1 : 2; bigEndian = true; return true; }
        return false;
    }

    /// <summary>
    /// Parses a header from its bytes (348 or 540 of them). Checks magic, dim, datatype and bitpix;
    /// throws <see cref="NiftiFormatException"/> naming <paramref name="filePath"/> and the field's offset.
    /// </summary>
    public static NiftiHeader Parse(ReadOnlySpan<byte> bytes, string? filePath = null)
    {
        if (!TryDetect(bytes, out int version, out bool big))
        {
            int found = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : -1;
            throw new NiftiFormatException(filePath, 0,
                bytes.Length < 4 ? $"file has {bytes.Length} bytes, too short for a header"
                                 : $"sizeof_hdr is {found}: expected 348 (NIfTI-1) or 540 (NIfTI-2) in either byte order");
        }
        int size = version == 1 ? Nifti1Size : Nifti2Size;
        if (bytes.Length < size)
            throw new NiftiFormatException(filePath, bytes.Length, $"file ends inside the {size}-byte NIfTI-{version} header");
        var copy = bytes[..size].ToArray();
        var h = version == 1 ? Parse1(new Fields(copy, big), copy, big, filePath) : Parse2(new Fields(copy, big), copy, big, filePath);
        h.Validate(filePath);
        return h;
    }

    private static NiftiHeader Parse1(Fields f, byte[] b, bool big, string? path)
    {
        var magic = b.AsSpan(344, 4);
        bool pair = magic.SequenceEqual("ni1\0"u8);
        if (!pair && !magic.SequenceEqual("n+1\0"u8))
            throw new NiftiFormatException(path, 344, $"magic is '{Printable(magic)}': expected 'n+1' or 'ni1' (an Analyze 7.5 header is not read)");
        var dim = new long[8]; var pix = new double[8];
        for (int i = 0; i < 8; i++) { dim[i] = f.I16(40 + 2 * i); pix[i] = f.F32(76 + 4 * i); }
        return new NiftiHeader
        {
            Version = 1, BigEndian = big, IsPair = pair, Dim = dim, PixDim = pix,
            IntentP1 = f.F32(56), IntentP2 = f.F32(60), IntentP3 = f.F32(64), IntentCode = f.I16(68),
            DataType = (NiftiDataType)f.I16(70), BitPix = f.I16(72), SliceStart = f.I16(74),
            VoxOffset = (long)Math.Floor(SafeOffset(f.F32(108))), SclSlope = f.F32(112), SclInter = f.F32(116),
            SliceEnd = f.I16(120), SliceCode = b[122], XyztUnits = b[123], CalMax = f.F32(124), CalMin = f.F32(128),
            SliceDuration = f.F32(132), TOffset = f.F32(136), DimInfo = b[39],
            Description = ReadString(b.AsSpan(148, 80)), AuxFile = ReadString(b.AsSpan(228, 24)),
            QformCode = f.I16(252), SformCode = f.I16(254),
            QuaternB = f.F32(256), QuaternC = f.F32(260), QuaternD = f.F32(264),
            QOffsetX = f.F32(268), QOffsetY = f.F32(272), QOffsetZ = f.F32(276),
            SrowX = [f.F32(280), f.F32(284), f.F32(288), f.F32(292)],
            SrowY = [f.F32(296), f.F32(300), f.F32(304), f.F32(308)],
            SrowZ = [f.F32(312), f.F32(316), f.F32(320), f.F32(324)],
            IntentName = ReadString(b.AsSpan(328, 16)),
        };
    }

    private static NiftiHeader Parse2(Fields f, byte[] b, bool big, string? path)
    {
        var magic = b.AsSpan(4, 4);
        bool pair = magic.SequenceEqual("ni2\0"u8);
        if (!pair && !magic.SequenceEqual("n+2\0"u8))
            throw new NiftiFormatException(path, 4, $"magic is '{Printable(magic)}': expected 'n+2' or 'ni2'");
        var dim = new long[8]; var pix = new double[8];
        for (int i = 0; i < 8; i++) { dim[i] = f.I64(16 + 8 * i); pix[i] = f.F64(104 + 8 * i); }
        return new NiftiHeader
        {
            Version = 2, BigEndian = big, IsPair = pair, Dim = dim, PixDim = pix,
            DataType = (NiftiDataType)f.I16(12), BitPix = f.I16(14),
            IntentP1 = f.F64(80), IntentP2 = f.F64(88), IntentP3 = f.F64(96),
            VoxOffset = f.I64(168), SclSlope = f.F64(176), SclInter = f.F64(184), CalMax = f.F64(192), CalMin = f.F64(200),
            SliceDuration = f.F64(208), TOffset = f.F64(216), SliceStart = f.I64(224), SliceEnd = f.I64(232),
            Description = ReadString(b.AsSpan(240, 80)), AuxFile = ReadString(b.AsSpan(320, 24)),
            QformCode = f.I32(344), SformCode = f.I32(348),
            QuaternB = f.F64(352), QuaternC = f.F64(360), QuaternD = f.F64(368),
            QOffsetX = f.F64(376), QOffsetY = f.F64(384), QOffsetZ = f.F64(392),
            SrowX = [f.F64(400), f.F64(408), f.F64(416), f.F64(424)],
            SrowY = [f.F64(432), f.F64(440), f.F64(448), f.F64(456)],
            SrowZ = [f.F64(464), f.F64(472), f.F64(480), f.F64(488)],
            SliceCode = f.I32(496), XyztUnits = f.I32(500), IntentCode = f.I32(504),
            IntentName = ReadString(b.AsSpan(508, 16)), DimInfo = b[524],
        };
    }

    private static double SafeOffset(float v) => float.IsFinite(v) ? v : -1;

    private static string Printable(ReadOnlySpan<byte> b)
    {
        var chars = new char[b.Length];
        for (int i = 0; i < b.Length; i++) chars[i] = b[i] >= 32 && b[i] < 127 ? (char)b[i] : '.';
        return new string(chars);
    }

    /// <summary>Checks dim, datatype and bitpix; offsets in messages are those of the NIfTI-1 or -2 field.</summary>
    private void Validate(string? path)
    {
        int dimOffset = Version == 1 ? 40 : 16, typeOffset = Version == 1 ? 70 : 12, voxOffsetAt = Version == 1 ? 108 : 168;
        int ndim = (int)Math.Clamp(Dim[0], int.MinValue, int.MaxValue);
        if (ndim < 1 || ndim > 7)
            throw new NiftiFormatException(path, dimOffset, $"dim[0] is {Dim[0]}: expected 1..7 dimensions");
        for (int i = 1; i <= ndim; i++)
            if (Dim[i] < 1 || Dim[i] > int.MaxValue)
                throw new NiftiFormatException(path, dimOffset + i * (Version == 1 ? 2 : 8), $"dim[{i}] is {Dim[i]}: expected a size of at least 1");
        for (int i = 5; i <= ndim; i++)
            if (Dim[i] > 1)
                throw new UnsupportedImageFeatureException("NIfTI", path, dimOffset + i * (Version == 1 ? 2 : 8),
                    $"dim[{i}] is {Dim[i]}: dimensions beyond the 4th (t) are not supported");
        double claimed = NiftiDataTypes.Components(DataType);
        for (int i = 1; i <= ndim; i++) claimed *= Dim[i];
        if (claimed > Array.MaxLength)
            throw new NiftiFormatException(path, dimOffset, $"dim {string.Join("×", Dim[1..(ndim + 1)])} claims {claimed:G4} elements, above the limit of {Array.MaxLength}");
        if (!NiftiDataTypes.IsSupported(DataType))
        {
            if (NiftiDataTypes.BitsPerVoxel(DataType) == 0)
                throw new NiftiFormatException(path, typeOffset, $"datatype {(short)DataType} is not a NIfTI datatype code");
            throw new UnsupportedImageFeatureException("NIfTI", path, typeOffset, $"datatype {DataType} is not supported");
        }
        if (BitPix != NiftiDataTypes.BitsPerVoxel(DataType))
            throw new NiftiFormatException(path, typeOffset + 2,
                $"bitpix is {BitPix} but datatype {DataType} has {NiftiDataTypes.BitsPerVoxel(DataType)} bits");
        if (VoxOffset < 0)
            throw new NiftiFormatException(path, voxOffsetAt, $"vox_offset is negative or not finite ({VoxOffset})");
    }
}
