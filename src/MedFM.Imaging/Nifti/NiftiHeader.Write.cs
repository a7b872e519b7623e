namespace MedFM.Imaging.Nifti;

public sealed partial class NiftiHeader
{
    /// <summary>
    /// The header bytes (348 or 540, little-endian unless <see cref="BigEndian"/>), followed for a single file
    /// by the 4-byte extension flag (zero: no extensions).
    /// </summary>
    public byte[] ToBytes()
    {
        var b = new byte[HeaderSize + (IsPair ? 0 : 4)];
        var f = new Fields(b, BigEndian);
        if (Version == 1) Write1(f, b); else Write2(f, b);
        return b;
    }

    private void Write1(Fields f, byte[] b)
    {
        f.I32(0, Nifti1Size);
        b[38] = (byte)'r'; // "regular", as nibabel writes
        b[39] = DimInfo;
        for (int i = 0; i < 8; i++) { f.I16(40 + 2 * i, checked((short)Dim[i])); f.F32(76 + 4 * i, PixDim[i]); }
        f.F32(56, IntentP1); f.F32(60, IntentP2); f.F32(64, IntentP3); f.I16(68, (short)IntentCode);
        f.I16(70, (short)DataType); f.I16(72, (short)BitPix); f.I16(74, (short)SliceStart);
        f.F32(108, VoxOffset); f.F32(112, SclSlope); f.F32(116, SclInter); f.I16(120, (short)SliceEnd);
        b[122] = (byte)SliceCode; b[123] = (byte)XyztUnits;
        f.F32(124, CalMax); f.F32(128, CalMin); f.F32(132, SliceDuration); f.F32(136, TOffset);
        WriteString(b.AsSpan(148, 80), Description); WriteString(b.AsSpan(228, 24), AuxFile);
        f.I16(252, (short)QformCode); f.I16(254, (short)SformCode);
        f.F32(256, QuaternB); f.F32(260, QuaternC); f.F32(264, QuaternD);
        f.F32(268, QOffsetX); f.F32(272, QOffsetY); f.F32(276, QOffsetZ);
        for (int i = 0; i < 4; i++) { f.F32(280 + 4 * i, SrowX[i]); f.F32(296 + 4 * i, SrowY[i]); f.F32(312 + 4 * i, SrowZ[i]); }
        WriteString(b.AsSpan(328, 16), IntentName);
        (IsPair ? "ni1\0"u8 : "n+1\0"u8).CopyTo(b.AsSpan(344));
    }

    private void Write2(Fields f, byte[] b)
    {
        f.I32(0, Nifti2Size);
        (IsPair ? "ni2\0\r\n\u001a\n"u8 : "n+2\0\r\n\u001a\n"u8).CopyTo(b.AsSpan(4));
        f.I16(12, (short)DataType); f.I16(14, (short)BitPix);
        for (int i = 0; i < 8; i++) { f.I64(16 + 8 * i, Dim[i]); f.F64(104 + 8 * i, PixDim[i]); }
        f.F64(80, IntentP1); f.F64(88, IntentP2); f.F64(96, IntentP3);
        f.I64(168, VoxOffset); f.F64(176, SclSlope); f.F64(184, SclInter); f.F64(192, CalMax); f.F64(200, CalMin);
        f.F64(208, SliceDuration); f.F64(216, TOffset); f.I64(224, SliceStart); f.I64(232, SliceEnd);
        WriteString(b.AsSpan(240, 80), Description); WriteString(b.AsSpan(320, 24), AuxFile);
        f.I32(344, QformCode); f.I32(348, SformCode);
        f.F64(352, QuaternB); f.F64(360, QuaternC); f.F64(368, QuaternD);
        f.F64(376, QOffsetX); f.F64(384, QOffsetY); f.F64(392, QOffsetZ);
        for (int i = 0; i < 4; i++) { f.F64(400 + 8 * i, SrowX[i]); f.F64(432 + 8 * i, SrowY[i]); f.F64(464 + 8 * i, SrowZ[i]); }
        f.I32(496, SliceCode); f.I32(500, XyztUnits); f.I32(504, IntentCode);
        WriteString(b.AsSpan(508, 16), IntentName); b[524] = DimInfo;
    }
}
