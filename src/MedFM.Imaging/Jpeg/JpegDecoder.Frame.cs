using System.Buffers.Binary;

namespace MedFM.Imaging.Jpeg;

internal sealed partial class JpegDecoder
{
    private void ReadFrame(ReadOnlySpan<byte> s, int at, int type)
    {
        if (_header is not null) throw Error(at, "a second frame header (SOF)");
        if (s.Length < 6) throw Error(at, "SOF segment is too short");
        int precision = s[0], height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]), width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]), n = s[5];
        if (precision != 8)
            throw new UnsupportedImageFeatureException("JPEG", _name, at, $"sample precision {precision} bits: only 8-bit JPEG is supported");
        if (height == 0) throw new UnsupportedImageFeatureException("JPEG", _name, at + 1, "height 0 (defined by a later DNL marker) is not supported");
        if (width == 0) throw Error(at + 3, "image width is 0");
        if (n is not (1 or 3))
            throw new UnsupportedImageFeatureException("JPEG", _name, at + 5, $"{n} components: only grey (1) and colour (3) are supported");
        if (s.Length < 6 + 3 * n) throw Error(at, $"SOF segment is too short for {n} components");
        var comps = new JpegComponent[n];
        for (int i = 0; i < n; i++)
        {
            var c = s.Slice(6 + 3 * i, 3);
            comps[i] = new JpegComponent { Id = c[0], H = c[1] >> 4, V = c[1] & 15, QuantId = c[2] };
            if (comps[i].H is < 1 or > 4 || comps[i].V is < 1 or > 4)
                throw Error(at + 7 + 3 * i, $"component {c[0]} sampling factors {comps[i].H}×{comps[i].V} are outside 1..4");
            if (comps[i].QuantId > 3) throw Error(at + 8 + 3 * i, $"component {c[0]} uses quantisation table {comps[i].QuantId} (0..3)");
            for (int j = 0; j < i; j++)
                if (comps[j].Id == comps[i].Id) throw Error(at + 6 + 3 * i, $"component id {c[0]} appears twice");
        }
        _hmax = comps.Max(c => c.H);
        _vmax = comps.Max(c => c.V);
        foreach (var c in comps)
            if (_hmax % c.H != 0 || _vmax % c.V != 0)
                throw new UnsupportedImageFeatureException("JPEG", _name, at, $"fractional sampling ({c.H}×{c.V} against {_hmax}×{_vmax}) is not supported");
        _mcusPerLine = (width + 8 * _hmax - 1) / (8 * _hmax);
        _mcusPerColumn = (height + 8 * _vmax - 1) / (8 * _vmax);
        long blocks = 0;
        foreach (var c in comps)
        {
            c.Width = (int)(((long)width * c.H + _hmax - 1) / _hmax);
            c.Height = (int)(((long)height * c.V + _vmax - 1) / _vmax);
            c.BlocksPerLine = (c.Width + 7) / 8;
            c.BlocksPerColumn = (c.Height + 7) / 8;
            c.StrideBlocks = _mcusPerLine * c.H;
            c.RowsBlocks = _mcusPerColumn * c.V;
            blocks += (long)c.StrideBlocks * c.RowsBlocks;
        }
        // Every coded block costs at least one bit: a frame claiming more blocks than the file has bits is hostile.
        if (blocks > 8L * _data.Length + 4096 || blocks * 64 > Array.MaxLength)
            throw Error(at + 1, $"a {width}×{height} frame ({blocks} blocks) cannot be coded in a {_data.Length}-byte file");
        foreach (var c in comps) c.Coefs = new short[(long)c.StrideBlocks * c.RowsBlocks * 64];
        _components = comps;
        _header = new JpegHeader
        {
            Width = width, Height = height, Components = n, Precision = precision, FrameType = type,
            Progressive = type == 2, Sampling = comps.Select(c => (c.H, c.V)).ToArray(),
            AdobeTransform = _adobeTransform, HasJfif = _jfif,
        };
    }

    /// <summary>
    /// Whether a 3-component image is stored as RGB rather than YCbCr, by libjpeg's rules (jdapimin.c):
    /// JFIF → YCbCr; Adobe transform 0 → RGB, else YCbCr; otherwise component ids 'R','G','B' → RGB.
    /// </summary>
    public bool IsRgbEncoded()
    {
        if (_jfif) return false;
        if (_adobeTransform is { } t) return t == 0;
        return _components.Length == 3 && _components[0].Id == 'R' && _components[1].Id == 'G' && _components[2].Id == 'B';
    }

    /// <summary>Inverse-transforms every component and assembles grey or RGB pixels.</summary>
    public byte[] Output()
    {
        var h = Header;
        Span<int> ws = stackalloc int[64];
        var planes = new byte[_components.Length][];
        for (int ci = 0; ci < _components.Length; ci++)
        {
            var c = _components[ci];
            var quant = c.Quant ?? _quant[c.QuantId] ?? new ushort[64];
            int stride = c.BlocksPerLine * 8;
            var plane = new byte[(long)stride * c.BlocksPerColumn * 8];
            for (int br = 0; br < c.BlocksPerColumn; br++)
                for (int bc = 0; bc < c.BlocksPerLine; bc++)
                    JpegIdct.Transform(c.Coefs.AsSpan(c.BlockOffset(br, bc), 64), quant, ws,
                        plane.AsSpan(br * 8 * stride + bc * 8), stride);
            planes[ci] = JpegColor.Upsample(plane, stride, c.Width, c.Height, _hmax / c.H, _vmax / c.V, h.Width, h.Height);
        }
        if (planes.Length == 1) return planes[0];
        var rgb = new byte[(long)h.Width * h.Height * 3];
        if (IsRgbEncoded())
        {
            for (int i = 0, o = 0; i < planes[0].Length; i++, o += 3)
            {
                rgb[o] = planes[0][i]; rgb[o + 1] = planes[1][i]; rgb[o + 2] = planes[2][i];
            }
        }
        else JpegColor.YccToRgb(planes[0], planes[1], planes[2], rgb);
        return rgb;
    }
}
