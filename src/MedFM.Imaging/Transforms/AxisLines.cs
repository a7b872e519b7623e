using System.Buffers;
using System.Runtime.CompilerServices;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// A 1-D operation over a set of lines: element (i, lane) of the input at <c>i·srcStride + lane</c>, of the output at
/// <c>i·dstStride + lane</c>; the same span may be passed as both for in-place operations.
/// </summary>
internal delegate void LineOperation(ReadOnlySpan<double> src, Span<double> dst, int srcStride, int dstStride, int lanes);

/// <summary>
/// Runs a <see cref="LineOperation"/> along axis 0 or axis 1 of a C-ordered (n0, n1, n2) float64 array. Along axis 0
/// every (column, channel) pair is a lane already; along axis 1 a block of rows is packed so that
/// (row, channel) pairs become lanes. Work is split over cores by lanes or by row blocks; the per-lane arithmetic is
/// untouched by the split.
/// </summary>
internal static class AxisLines
{
    /// <summary>src (n0 → inLength, n1, n2) to dst (outLength, n1, n2), lines along axis 0.</summary>
    public static void Axis0(double[] src, double[] dst, int inLength, int outLength, int lanes, long workPerLane, LineOperation op)
    {
        const int chunk = 64;
        int chunks = (lanes + chunk - 1) / chunk;
        RowParallel.For(chunks, workPerLane * chunk, (lo, hi) =>
        {
            int first = lo * chunk, count = Math.Min(lanes, hi * chunk) - first;
            var s = src.AsSpan(first, (inLength - 1) * lanes + count);
            var d = dst.AsSpan(first, (outLength - 1) * lanes + count);
            op(s, d, lanes, lanes, count);
        });
    }

    /// <summary>src (n0, inLength, n2) to dst (n0, outLength, n2), lines along axis 1; src and dst may be the same array.</summary>
    public static void Axis1(double[] src, double[] dst, int n0, int inLength, int outLength, int n2, long workPerLine, LineOperation op)
    {
        int block = BlockRows(n2);
        int blocks = (n0 + block - 1) / block;
        RowParallel.For(blocks, workPerLine * block * n2, (lo, hi) =>
        {
            int lanesMax = block * n2;
            var inBuf = ArrayPool<double>.Shared.Rent(inLength * lanesMax);
            var outBuf = ArrayPool<double>.Shared.Rent(outLength * lanesMax);
            try
            {
                for (int b = lo; b < hi; b++)
                {
                    int r0 = b * block, rows = Math.Min(block, n0 - r0), lanes = rows * n2;
                    Pack(src, r0, rows, inLength, n2, inBuf, lanes);
                    op(inBuf.AsSpan(0, inLength * lanes), outBuf.AsSpan(0, outLength * lanes), lanes, lanes, lanes);
                    Unpack(outBuf, dst, r0, rows, outLength, n2, lanes);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(inBuf);
                ArrayPool<double>.Shared.Return(outBuf);
            }
        });
    }

    /// <summary>Rows per block: at least 16 lanes and a whole number of 4-wide vectors where possible.</summary>
    private static int BlockRows(int n2)
    {
        if (n2 >= 16) return 1;
        int b = (16 + n2 - 1) / n2;
        while ((b * n2) % 4 != 0 && b < 64) b++;
        return b;
    }

    /// <summary>buf[i·lanes + r·n2 + c] = src[((r0 + r)·length + i)·n2 + c]</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack(double[] src, int r0, int rows, int length, int n2, double[] buf, int lanes)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = src.AsSpan((r0 + r) * length * n2, length * n2);
            for (int i = 0; i < length; i++)
                for (int c = 0; c < n2; c++) buf[i * lanes + r * n2 + c] = row[i * n2 + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Unpack(double[] buf, double[] dst, int r0, int rows, int length, int n2, int lanes)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = dst.AsSpan((r0 + r) * length * n2, length * n2);
            for (int i = 0; i < length; i++)
                for (int c = 0; c < n2; c++) row[i * n2 + c] = buf[i * lanes + r * n2 + c];
        }
    }
}
