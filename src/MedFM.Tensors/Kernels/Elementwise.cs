using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>Dense unary maps, split across the thread team for large inputs.</summary>
public static class Elementwise
{
    private const int ParallelThreshold = 1 << 15;

    public static void Unary<TOp>(float[] src, int srcOffset, float[] dst, int dstOffset, int count) where TOp : IUnaryOp
    {
        if (count < ParallelThreshold)
        {
            TOp.Vec(src.AsSpan(srcOffset, count), dst.AsSpan(dstOffset, count));
            return;
        }
        ThreadTeam.Default.For(count, (lo, hi) => TOp.Vec(src.AsSpan(srcOffset + lo, hi - lo), dst.AsSpan(dstOffset + lo, hi - lo)), 4096);
    }
}
