namespace MedFM.Imaging.Jpeg;

/// <summary>
/// Upsampling and YCbCr → RGB exactly as libjpeg-turbo does by default (reference: libjpeg-turbo jdsample.c
/// h2v1/h2v2/h1v2 "fancy" triangle filters, int_upsample for other integral ratios; jdcolor.c ycc_rgb_convert with
/// 16-bit fixed-point tables).
/// </summary>
internal static class JpegColor
{
    private const int ScaleBits = 16;
    private const long OneHalf = 1L << (ScaleBits - 1);
    private static readonly int[] CrR = new int[256], CbB = new int[256];
    private static readonly long[] CrG = new long[256], CbG = new long[256];

    static JpegColor()
    {
        static long Fix(double x) => (long)(x * (1L << ScaleBits) + 0.5);
        for (int i = 0; i < 256; i++)
        {
            long x = i - 128;
            CrR[i] = (int)((Fix(1.40200) * x + OneHalf) >> ScaleBits);
            CbB[i] = (int)((Fix(1.77200) * x + OneHalf) >> ScaleBits);
            CrG[i] = -Fix(0.71414) * x;
            CbG[i] = -Fix(0.34414) * x + OneHalf;
        }
    }

    /// <summary>YCbCr planes (full size, stride <paramref name="width"/>) → interleaved RGB.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void YccToRgb(byte[] y, byte[] cb, byte[] cr, byte[] rgb)
    {
        for (int i = 0, o = 0; i < y.Length; i++, o += 3)
        {
            int yy = y[i], b = cb[i], r = cr[i];
            rgb[o] = ClampByte(yy + CrR[r]);
            rgb[o + 1] = ClampByte(yy + (int)((CbG[b] + CrG[r]) >> ScaleBits));
            rgb[o + 2] = ClampByte(yy + CbB[b]);
        }
    }

    private static byte ClampByte(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    /// <summary>
    /// Expands a component plane (<paramref name="cw"/>×<paramref name="ch"/> valid samples, row stride
    /// <paramref name="stride"/>) by (hx, vx) to a full-size plane of width × height.
    /// </summary>
    public static byte[] Upsample(byte[] plane, int stride, int cw, int ch, int hx, int vx, int width, int height)
    {
        var outW = cw * hx;
        var full = new byte[(long)outW * ch * vx];
        if (hx == 2 && vx == 1) for (int r = 0; r < ch; r++) H2V1(plane.AsSpan(r * stride), cw, full.AsSpan(r * outW, outW));
        else if (hx == 2 && vx == 2) H2V2(plane, stride, cw, ch, full, outW);
        else if (hx == 1 && vx == 2) H1V2(plane, stride, cw, ch, full, outW);
        else Replicate(plane, stride, cw, ch, hx, vx, full, outW);
        // Crop to the image.
        var result = new byte[(long)width * height];
        for (int r = 0; r < height; r++) full.AsSpan(r * outW, width).CopyTo(result.AsSpan(r * width, width));
        return result;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void H2V1(ReadOnlySpan<byte> row, int w, Span<byte> o)
    {
        if (w == 1) { o[0] = o[1] = row[0]; return; }
        o[0] = row[0];
        o[1] = (byte)((row[0] * 3 + row[1] + 2) >> 2);
        for (int x = 1; x < w - 1; x++)
        {
            int v = row[x] * 3;
            o[2 * x] = (byte)((v + row[x - 1] + 1) >> 2);
            o[2 * x + 1] = (byte)((v + row[x + 1] + 2) >> 2);
        }
        o[2 * w - 2] = (byte)((row[w - 1] * 3 + row[w - 2] + 1) >> 2);
        o[2 * w - 1] = row[w - 1];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void H2V2(byte[] p, int stride, int w, int h, byte[] full, int outW)
    {
        var sums = new int[w];
        for (int r = 0; r < h; r++)
            for (int v = 0; v < 2; v++)
            {
                int near = r * stride, far = (v == 0 ? Math.Max(r - 1, 0) : Math.Min(r + 1, h - 1)) * stride;
                for (int x = 0; x < w; x++) sums[x] = p[near + x] * 3 + p[far + x];
                var o = full.AsSpan((2 * r + v) * outW, outW);
                if (w == 1) { o[0] = (byte)((sums[0] * 4 + 8) >> 4); o[1] = (byte)((sums[0] * 4 + 7) >> 4); continue; }
                o[0] = (byte)((sums[0] * 4 + 8) >> 4);
                o[1] = (byte)((sums[0] * 3 + sums[1] + 7) >> 4);
                for (int x = 1; x < w - 1; x++)
                {
                    o[2 * x] = (byte)((sums[x] * 3 + sums[x - 1] + 8) >> 4);
                    o[2 * x + 1] = (byte)((sums[x] * 3 + sums[x + 1] + 7) >> 4);
                }
                o[2 * w - 2] = (byte)((sums[w - 1] * 3 + sums[w - 2] + 8) >> 4);
                o[2 * w - 1] = (byte)((sums[w - 1] * 4 + 7) >> 4);
            }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void H1V2(byte[] p, int stride, int w, int h, byte[] full, int outW)
    {
        for (int r = 0; r < h; r++)
            for (int v = 0; v < 2; v++)
            {
                int near = r * stride, far = (v == 0 ? Math.Max(r - 1, 0) : Math.Min(r + 1, h - 1)) * stride;
                int bias = v == 0 ? 1 : 2;
                var o = full.AsSpan((2 * r + v) * outW, outW);
                for (int x = 0; x < w; x++) o[x] = (byte)((p[near + x] * 3 + p[far + x] + bias) >> 2);
            }
    }

    private static void Replicate(byte[] p, int stride, int w, int h, int hx, int vx, byte[] full, int outW)
    {
        for (int r = 0; r < h; r++)
        {
            var o = full.AsSpan(r * vx * outW, outW);
            for (int x = 0; x < w; x++) o.Slice(x * hx, hx).Fill(p[r * stride + x]);
            for (int k = 1; k < vx; k++) o.CopyTo(full.AsSpan((r * vx + k) * outW, outW));
        }
    }
}
