namespace MedFM.Imaging.Png;

public static partial class PngReader
{
    private static Volume Decode(PngHeader h, PngChunks chunks, Span<byte> raw, string? name, PngReadOptions options)
    {
        bool palette = h.ColorType == PngColorType.Palette;
        int outChannels = palette ? (options.KeepPaletteIndices ? 1 : chunks.Transparency is null ? 3 : 4) : h.StoredChannels;
        var shape = new VolumeShape(h.Width, h.Height, 1, outChannels);
        if (shape.ElementCount > Array.MaxLength)
            throw new PngFormatException(name, 16, $"a {h.Width}×{h.Height}×{outChannels} image is too large to decode");
        var lut = palette && !options.KeepPaletteIndices ? PaletteLut(chunks, outChannels) : null;
        int bpp = Math.Max(1, h.BitsPerPixel / 8);
        Array output = h.BitDepth == 16 ? new ushort[shape.ElementCount] : new byte[shape.ElementCount];
        long pos = 0;
        foreach (var p in Passes(h.Interlaced))
        {
            var (pw, ph) = PassSize(h, p);
            if (pw == 0 || ph == 0) continue;
            int rowBytes = (int)h.RowBytes(pw);
            var prior = new byte[rowBytes];
            for (int r = 0; r < ph; r++)
            {
                byte filter = raw[(int)pos];
                var row = raw.Slice((int)pos + 1, rowBytes);
                if (!PngFilters.Unfilter(filter, row, prior, bpp))
                    throw new PngFormatException(name, chunks.FirstIdatOffset, $"row {r} of pass {p} has filter type {filter} (expected 0..4) at decompressed byte {pos}");
                int y = p.Y0 + r * p.Dy;
                if (output is ushort[] wide) Scatter16(h, row, wide, y, p.X0, p.Dx, pw);
                else Scatter8(h, row, (byte[])output, y, p.X0, p.Dx, pw, lut, outChannels);
                row.CopyTo(prior);
                pos += 1 + rowBytes;
            }
        }
        return new Volume(shape, output);
    }

    /// <summary>Palette → RGB(A) table of 256 entries; entries beyond the palette are opaque black.</summary>
    private static byte[] PaletteLut(PngChunks chunks, int channels)
    {
        var lut = new byte[256 * channels];
        var pal = chunks.Palette!;
        var trns = chunks.Transparency;
        for (int i = 0; i < 256; i++)
        {
            bool inside = i * 3 < pal.Length;
            for (int c = 0; c < 3; c++) lut[i * channels + c] = inside ? pal[i * 3 + c] : (byte)0;
            if (channels == 4) lut[i * channels + 3] = trns is not null && i < trns.Length ? trns[i] : (byte)255;
        }
        return lut;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Scatter8(PngHeader h, ReadOnlySpan<byte> row, byte[] dst, int y, int x0, int dx, int count, byte[]? lut, int outChannels)
    {
        int depth = h.BitDepth, stored = h.StoredChannels, width = h.Width;
        long rowBase = (long)y * width * outChannels;
        if (depth == 8 && lut is null && dx == 1)
        {
            row[..(count * stored)].CopyTo(dst.AsSpan((int)(rowBase + (long)x0 * stored)));
            return;
        }
        if (depth == 8 && lut is null)
        {
            for (int x = 0; x < count; x++)
            {
                long d = rowBase + (long)(x0 + x * dx) * stored;
                for (int c = 0; c < stored; c++) dst[d + c] = row[x * stored + c];
            }
            return;
        }
        int mask = (1 << depth) - 1;
        int scale = h.ColorType == PngColorType.Grey ? 255 / mask : 1;
        for (int x = 0; x < count; x++)
        {
            int v;
            if (depth == 8) v = row[x];
            else
            {
                int bit = x * depth;
                v = (row[bit >> 3] >> (8 - depth - (bit & 7))) & mask;
            }
            long d = rowBase + (long)(x0 + x * dx) * outChannels;
            if (lut is null) dst[d] = (byte)(v * scale);
            else for (int c = 0; c < outChannels; c++) dst[d + c] = lut[v * outChannels + c];
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Scatter16(PngHeader h, ReadOnlySpan<byte> row, ushort[] dst, int y, int x0, int dx, int count)
    {
        int stored = h.StoredChannels;
        long rowBase = (long)y * h.Width * stored;
        for (int x = 0; x < count; x++)
        {
            long d = rowBase + (long)(x0 + x * dx) * stored;
            for (int c = 0; c < stored; c++)
            {
                int s = (x * stored + c) * 2;
                dst[d + c] = (ushort)(row[s] << 8 | row[s + 1]);
            }
        }
    }
}
