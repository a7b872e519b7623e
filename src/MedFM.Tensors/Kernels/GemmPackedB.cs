using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MedFM.Tensors.Kernels;

/// <summary>The managed micro-kernels, as the layout of a packed operand depends on them.</summary>
internal enum GemmKernelKind
{
    Portable,
    Avx2,
    Avx512,
}

/// <summary>
/// The whole of op(B) (k×n) packed once for one micro-kernel: the KC blocks of k in order, each block holding
/// ⌈n/NR⌉ panels of kc×NR floats (the layout <see cref="GemmPack{K}.B"/> writes for one step of the blocked GEMM),
/// so a product with it packs A only. The KC split is the kernel's (<see cref="GemmBlocking.KcBlock"/>); as the
/// kernels carry each element's sum through C, results are bit-identical to an unpacked product.
/// </summary>
internal sealed unsafe class GemmPackedB
{
    private readonly float[] storage;
    private GCHandle pin;

    private GemmPackedB(GemmKernelKind kernel, int k, int n, int nr, int kcBlock)
    {
        Kernel = kernel;
        K = k;
        N = n;
        NR = nr;
        KcBlock = kcBlock;
        PaddedN = GemmBlocking.RoundUp(n, nr);
        long floats = (long)PaddedN * k;
        if (floats + 16 > Array.MaxLength) throw new InsufficientMemoryException($"packed operand of {k}×{n} floats");
        // On the large-object heap and pinned by a handle (not on the pinned-object heap), so the space of weights freed
        // after packing (LinearWeightPack.ReleaseWeight) can hold the packs made after them.
        storage = GC.AllocateUninitializedArray<float>((int)floats + 16);
        pin = GCHandle.Alloc(storage, GCHandleType.Pinned);
        nint p = pin.AddrOfPinnedObject();
        Data = (float*)((p + 63) & ~(nint)63);
    }

    ~GemmPackedB()
    {
        if (pin.IsAllocated) pin.Free();
    }

    public GemmKernelKind Kernel { get; }

    public int K { get; }

    public int N { get; }

    public int NR { get; }

    public int KcBlock { get; }

    /// <summary>n rounded up to whole panels.</summary>
    public int PaddedN { get; }

    /// <summary>Bytes held by the packed copy.</summary>
    public long Bytes => (long)storage.Length * sizeof(float);

    /// <summary>The first float of the packing (64-byte aligned; the array is pinned).</summary>
    public float* Data { get; }

    /// <summary>Panel <paramref name="panel"/> of the KC block starting at depth <paramref name="p0"/> (blocks before it are full).</summary>
    public float* Panel(int p0, int kc, int panel) => Data + (long)p0 * PaddedN + (long)panel * NR * kc;

    /// <summary>
    /// Packs op(B) for the micro-kernel in use now, in KC blocks of at most <paramref name="kcMax"/> (0: the kernel's
    /// own KC; another depth changes the speed, never the result).
    /// </summary>
    public static GemmPackedB Pack(bool transB, float* b, int ldb, int k, int n, int kcMax = 0)
    {
        return GemmKernels.Kind switch
        {
            GemmKernelKind.Avx512 => Pack<Avx512Kernel>(GemmKernelKind.Avx512, transB, b, ldb, k, n, kcMax),
            GemmKernelKind.Avx2 => Pack<Avx2Kernel>(GemmKernelKind.Avx2, transB, b, ldb, k, n, kcMax),
            _ => Pack<PortableKernel>(GemmKernelKind.Portable, transB, b, ldb, k, n, kcMax),
        };
    }

    private static GemmPackedB Pack<TKernel>(GemmKernelKind kind, bool transB, float* b, int ldb, int k, int n, int kcMax)
        where TKernel : struct, IGemmKernel
    {
        if (k < 1 || n < 1) throw new ArgumentOutOfRangeException(nameof(k), $"packed operand needs k, n ≥ 1 (got {k}×{n})");
        var packed = new GemmPackedB(kind, k, n, TKernel.NR, GemmBlocking.KcBlock(k, kcMax > 0 ? kcMax : TKernel.KC));
        packed.Fill<TKernel>(transB, b, ldb);
        return packed;
    }

    /// <summary>Packs op(B) again into this copy (same shape and kernel): after the source changed.</summary>
    public void Refill(bool transB, float* b, int ldb)
    {
        switch (Kernel)
        {
            case GemmKernelKind.Avx512: Fill<Avx512Kernel>(transB, b, ldb); break;
            case GemmKernelKind.Avx2: Fill<Avx2Kernel>(transB, b, ldb); break;
            default: Fill<PortableKernel>(transB, b, ldb); break;
        }
    }

    /// <summary>
    /// Writes back the operand this was packed from with transB: the [N, K] row-major matrix (N rows of K floats at
    /// <paramref name="dst"/>), exactly, since packing only moves floats.
    /// </summary>
    public void UnpackTransposed(float* dst)
    {
        for (int p0 = 0; p0 < K; p0 += KcBlock)
        {
            int kc = Math.Min(KcBlock, K - p0);
            for (int j = 0; j < N; j += NR)
            {
                float* panel = Panel(p0, kc, j / NR);
                int nr = Math.Min(NR, N - j);
                for (int jj = 0; jj < nr; jj++)
                {
                    float* row = dst + (long)(j + jj) * K + p0;
                    for (int p = 0; p < kc; p++) row[p] = panel[p * NR + jj];
                }
            }
        }
    }

    private void Fill<TKernel>(bool transB, float* b, int ldb) where TKernel : struct, IGemmKernel
    {
        int panels = PaddedN / TKernel.NR;
        for (int pc = 0; pc < K; pc += KcBlock)
        {
            int kc = Math.Min(KcBlock, K - pc);
            GemmPack<TKernel>.B(transB, b, ldb, pc, kc, 0, N, 0, panels, Panel(pc, kc, 0));
        }
    }
}
