namespace MedFM.Imaging.Jpeg;

/// <summary>One frame component: sampling, block grid, coefficients (natural order, 64 per block) and scan state.</summary>
internal sealed class JpegComponent
{
    public int Id;
    public int H, V;
    public int QuantId;
    /// <summary>Samples of this component (the downsampled size): ⌈X·H/Hmax⌉ × ⌈Y·V/Vmax⌉.</summary>
    public int Width, Height;
    /// <summary>Blocks covering the component (non-interleaved scans walk these).</summary>
    public int BlocksPerLine, BlocksPerColumn;
    /// <summary>Blocks of the MCU-padded grid (storage; interleaved scans walk these).</summary>
    public int StrideBlocks, RowsBlocks;
    public short[] Coefs = [];
    public ushort[]? Quant;
    public int DcPred;
    public JpegHuffmanTable? Dc, Ac;

    public int BlockOffset(int row, int col) => (row * StrideBlocks + col) * 64;
}
