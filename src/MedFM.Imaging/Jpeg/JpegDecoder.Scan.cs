namespace MedFM.Imaging.Jpeg;

internal sealed partial class JpegDecoder
{
    private enum ScanKind { Baseline, DcFirst, DcRefine, AcFirst, AcRefine }

    /// <summary>Parses SOS, decodes its entropy-coded data and returns the position of the marker that follows.</summary>
    private int ReadScan(ReadOnlySpan<byte> s, int at, int dataStart)
    {
        if (_header is null) throw Error(at, "SOS before the frame header (SOF)");
        if (s.Length < 1) throw Error(at, "SOS segment is empty");
        int ns = s[0];
        if (ns < 1 || ns > 4 || s.Length < 1 + 2 * ns + 3) throw Error(at, $"SOS with {ns} components does not fit its {s.Length}-byte segment");
        var comps = new JpegComponent[ns];
        for (int i = 0; i < ns; i++)
        {
            int id = s[1 + 2 * i], tables = s[2 + 2 * i];
            comps[i] = Array.Find(_components, c => c.Id == id) ?? throw Error(at + 1 + 2 * i, $"scan names component {id}, which the frame does not have");
            for (int j = 0; j < i; j++) if (comps[j] == comps[i]) throw Error(at + 1 + 2 * i, $"scan names component {id} twice");
            int td = tables >> 4, ta = tables & 15;
            if (td > 3 || ta > 3) throw Error(at + 2 + 2 * i, $"Huffman table ids {td}/{ta} are outside 0..3");
            comps[i].Dc = _dcTables[td];
            comps[i].Ac = _acTables[ta];
        }
        int ss = s[1 + 2 * ns], se = s[2 + 2 * ns], ah = s[3 + 2 * ns] >> 4, al = s[3 + 2 * ns] & 15;
        var kind = Classify(ss, se, ah, al, ns, at + 1 + 2 * ns);
        foreach (var c in comps)
        {
            bool needDc = kind is ScanKind.Baseline or ScanKind.DcFirst, needAc = kind is ScanKind.Baseline or ScanKind.AcFirst or ScanKind.AcRefine;
            if (needDc && c.Dc is null) throw Error(at, $"component {c.Id} uses a DC Huffman table that was never defined");
            if (needAc && c.Ac is null) throw Error(at, $"component {c.Id} uses an AC Huffman table that was never defined");
            c.Quant ??= _quant[c.QuantId] ?? throw Error(at, $"component {c.Id} uses quantisation table {c.QuantId}, which was never defined");
            c.DcPred = 0;
        }
        var reader = new JpegBitReader(_data, dataStart, _name);
        DecodeScan(reader, comps, kind, ss, se, al);
        return reader.Position;
    }

    private ScanKind Classify(int ss, int se, int ah, int al, int ns, int at)
    {
        if (!Header.Progressive)
        {
            // libjpeg accepts any Ss/Se/Ah/Al in sequential mode with a warning; the values are not used.
            return ScanKind.Baseline;
        }
        if (al > 13 || ah > 13) throw Error(at, $"successive approximation Ah={ah} Al={al} outside 0..13");
        if (ss == 0)
        {
            if (se != 0) throw Error(at, $"progressive DC scan with Se={se} (must be 0)");
            return ah == 0 ? ScanKind.DcFirst : ScanKind.DcRefine;
        }
        if (se < ss || se > 63) throw Error(at, $"progressive AC scan band {ss}..{se} is invalid");
        if (ns != 1) throw Error(at, $"progressive AC scan with {ns} components (must be 1)");
        return ah == 0 ? ScanKind.AcFirst : ScanKind.AcRefine;
    }

    private void DecodeScan(JpegBitReader r, JpegComponent[] comps, ScanKind kind, int ss, int se, int al)
    {
        _eobRun = 0;
        bool single = comps.Length == 1;
        int mcusX = single ? comps[0].BlocksPerLine : _mcusPerLine;
        int mcusY = single ? comps[0].BlocksPerColumn : _mcusPerColumn;
        long total = (long)mcusX * mcusY;
        int restarts = 0;
        for (long m = 0; m < total; m++)
        {
            if (_restartInterval > 0 && m > 0 && m % _restartInterval == 0)
            {
                r.Restart(restarts++ & 7);
                _eobRun = 0;
                foreach (var c in comps) c.DcPred = 0;
            }
            int my = (int)(m / mcusX), mx = (int)(m % mcusX);
            if (single)
            {
                DecodeBlock(r, comps[0], comps[0].BlockOffset(my, mx), kind, ss, se, al);
                continue;
            }
            foreach (var c in comps)
                for (int v = 0; v < c.V; v++)
                    for (int h = 0; h < c.H; h++)
                        DecodeBlock(r, c, c.BlockOffset(my * c.V + v, mx * c.H + h), kind, ss, se, al);
        }
    }

    private void DecodeBlock(JpegBitReader r, JpegComponent c, int off, ScanKind kind, int ss, int se, int al)
    {
        var block = c.Coefs.AsSpan(off, 64);
        switch (kind)
        {
            case ScanKind.Baseline: Baseline(r, c, block); break;
            case ScanKind.DcFirst:
                c.DcPred += r.Receive(r.Decode(c.Dc!));
                block[0] = (short)(c.DcPred << al);
                break;
            case ScanKind.DcRefine:
                if (r.GetBit() != 0) block[0] |= (short)(1 << al);
                break;
            case ScanKind.AcFirst: AcFirst(r, c.Ac!, block, ss, se, al); break;
            default: AcRefine(r, c.Ac!, block, ss, se, al); break;
        }
    }

    private static void Baseline(JpegBitReader r, JpegComponent c, Span<short> block)
    {
        c.DcPred += r.Receive(r.Decode(c.Dc!));
        block[0] = (short)c.DcPred;
        var ac = c.Ac!;
        for (int k = 1; k < 64;)
        {
            int rs = r.Decode(ac), run = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (run < 15) break;
                k += 16;
                continue;
            }
            k += run;
            block[ZigZag[k]] = (short)r.Receive(size);
            k++;
        }
    }

    private void AcFirst(JpegBitReader r, JpegHuffmanTable ac, Span<short> block, int ss, int se, int al)
    {
        if (_eobRun > 0) { _eobRun--; return; }
        for (int k = ss; k <= se;)
        {
            int rs = r.Decode(ac), run = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (run < 15)
                {
                    _eobRun = (1 << run) - 1 + r.GetBits(run);
                    break;
                }
                k += 16;
                continue;
            }
            k += run;
            block[ZigZag[k]] = (short)(r.Receive(size) * (1 << al));
            k++;
        }
    }

    /// <summary>Successive-approximation refinement of AC coefficients (T.81 G.1.2.3; libjpeg jdphuff.c decode_mcu_AC_refine).</summary>
    private void AcRefine(JpegBitReader r, JpegHuffmanTable ac, Span<short> block, int ss, int se, int al)
    {
        int p1 = 1 << al, m1 = -1 << al;
        int k = ss;
        if (_eobRun == 0)
        {
            for (; k <= se; k++)
            {
                int rs = r.Decode(ac), run = rs >> 4, size = rs & 15, value = 0;
                if (size != 0) value = r.GetBit() != 0 ? p1 : m1;
                else if (run != 15)
                {
                    _eobRun = (1 << run) + r.GetBits(run);
                    break;
                }
                do
                {
                    int z = ZigZag[k];
                    if (block[z] != 0)
                    {
                        if (r.GetBit() != 0 && (block[z] & p1) == 0) block[z] += (short)(block[z] >= 0 ? p1 : m1);
                    }
                    else if (--run < 0) break;
                    k++;
                } while (k <= se);
                if (value != 0) block[ZigZag[k]] = (short)value;
            }
        }
        if (_eobRun > 0)
        {
            for (; k <= se; k++)
            {
                int z = ZigZag[k];
                if (block[z] != 0 && r.GetBit() != 0 && (block[z] & p1) == 0) block[z] += (short)(block[z] >= 0 ? p1 : m1);
            }
            _eobRun--;
        }
    }
}
