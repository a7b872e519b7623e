namespace MedFM.Imaging.Jpeg;

/// <summary>
/// The accurate integer inverse DCT of the IJG library, "islow" (reference: libjpeg-turbo jidctint.c, after
/// Loeffler, Ligtenberg and Moschytz; 13 constant bits, 2 extra bits of precision after pass 1). It is the default
/// IDCT of libjpeg(-turbo), so decoding with it matches those libraries (and PIL) exactly. Output samples are
/// clamped to 0..255 (libjpeg's range-limit table wraps wildly out-of-range values instead; only corrupt data differ).
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13, Pass1Bits = 2;
    private const long Fix0298631336 = 2446, Fix0390180644 = 3196, Fix0541196100 = 4433, Fix0765366865 = 6270,
        Fix0899976223 = 7373, Fix1175875602 = 9633, Fix1501321110 = 12299, Fix1847759065 = 15137,
        Fix1961570560 = 16069, Fix2053119869 = 16819, Fix2562915447 = 20995, Fix3072711026 = 25172;

    /// <summary>Dequantises and inverse-transforms one block (natural order) into 8×8 samples at <paramref name="output"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Transform(ReadOnlySpan<short> coef, ReadOnlySpan<ushort> quant, Span<int> ws, Span<byte> output, int stride)
    {
        for (int c = 0; c < 8; c++)
        {
            if (coef[8 + c] == 0 && coef[16 + c] == 0 && coef[24 + c] == 0 && coef[32 + c] == 0
                && coef[40 + c] == 0 && coef[48 + c] == 0 && coef[56 + c] == 0)
            {
                int dc = coef[c] * quant[c] << Pass1Bits;
                for (int r = 0; r < 8; r++) ws[r * 8 + c] = dc;
                continue;
            }
            long z2 = coef[16 + c] * quant[16 + c], z3 = coef[48 + c] * quant[48 + c];
            long z1 = (z2 + z3) * Fix0541196100;
            long tmp2 = z1 + z3 * -Fix1847759065, tmp3 = z1 + z2 * Fix0765366865;
            z2 = coef[c] * quant[c];
            z3 = coef[32 + c] * quant[32 + c];
            long tmp0 = (z2 + z3) << ConstBits, tmp1 = (z2 - z3) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            Odd(coef[56 + c] * quant[56 + c], coef[40 + c] * quant[40 + c], coef[24 + c] * quant[24 + c], coef[8 + c] * quant[8 + c],
                out long o0, out long o1, out long o2, out long o3);
            const int shift = ConstBits - Pass1Bits;
            ws[c] = Descale(tmp10 + o3, shift);
            ws[56 + c] = Descale(tmp10 - o3, shift);
            ws[8 + c] = Descale(tmp11 + o2, shift);
            ws[48 + c] = Descale(tmp11 - o2, shift);
            ws[16 + c] = Descale(tmp12 + o1, shift);
            ws[40 + c] = Descale(tmp12 - o1, shift);
            ws[24 + c] = Descale(tmp13 + o0, shift);
            ws[32 + c] = Descale(tmp13 - o0, shift);
        }
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            var o = output.Slice(r * stride, 8);
            long z2 = w[2], z3 = w[6];
            long z1 = (z2 + z3) * Fix0541196100;
            long tmp2 = z1 + z3 * -Fix1847759065, tmp3 = z1 + z2 * Fix0765366865;
            long tmp0 = ((long)w[0] + w[4]) << ConstBits, tmp1 = ((long)w[0] - w[4]) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            Odd(w[7], w[5], w[3], w[1], out long o0, out long o1, out long o2, out long o3);
            const int shift = ConstBits + Pass1Bits + 3;
            o[0] = Clamp(Descale(tmp10 + o3, shift));
            o[7] = Clamp(Descale(tmp10 - o3, shift));
            o[1] = Clamp(Descale(tmp11 + o2, shift));
            o[6] = Clamp(Descale(tmp11 - o2, shift));
            o[2] = Clamp(Descale(tmp12 + o1, shift));
            o[5] = Clamp(Descale(tmp12 - o1, shift));
            o[3] = Clamp(Descale(tmp13 + o0, shift));
            o[4] = Clamp(Descale(tmp13 - o0, shift));
        }
    }

    /// <summary>The odd part shared by both passes: inputs are the 7th, 5th, 3rd and 1st terms.</summary>
    private static void Odd(long t0, long t1, long t2, long t3, out long o0, out long o1, out long o2, out long o3)
    {
        long z1 = t0 + t3, z2 = t1 + t2, z3 = t0 + t2, z4 = t1 + t3;
        long z5 = (z3 + z4) * Fix1175875602;
        t0 *= Fix0298631336; t1 *= Fix2053119869; t2 *= Fix3072711026; t3 *= Fix1501321110;
        z1 *= -Fix0899976223; z2 *= -Fix2562915447; z3 *= -Fix1961570560; z4 *= -Fix0390180644;
        z3 += z5; z4 += z5;
        o0 = t0 + z1 + z3; o1 = t1 + z2 + z4; o2 = t2 + z2 + z3; o3 = t3 + z1 + z4;
    }

    private static int Descale(long x, int n) => (int)((x + (1L << (n - 1))) >> n);

    private static byte Clamp(int v) => (byte)Math.Clamp(v + 128, 0, 255);
}
