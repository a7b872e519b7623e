using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Packing buffers, one set per thread, kept for the thread's life and grown on demand: after the first products
/// of a given size the GEMM allocates nothing. Arrays live on the pinned object heap and are 64-byte aligned.
/// </summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic] private static float[]? packA;
    [ThreadStatic] private static float[]? packB;
    [ThreadStatic] private static SpinBarrier? barrier;

    /// <summary>This thread's buffer for packed A blocks, at least <paramref name="floats"/> long.</summary>
    public static float* A(int floats) => Get(ref packA, floats);

    /// <summary>This thread's buffer for packed B blocks (shared with the team when this thread calls the GEMM).</summary>
    public static float* B(int floats) => Get(ref packB, floats);

    /// <summary>This thread's barrier for the team runs it starts.</summary>
    public static SpinBarrier Barrier => barrier ??= new SpinBarrier();

    private static float* Get(ref float[]? buffer, int floats) => Aligned(ref buffer, floats);

    /// <summary>
    /// A 64-byte aligned pointer to at least <paramref name="floats"/> floats of <paramref name="buffer"/>, which is
    /// replaced by a larger pinned array when too short (its contents are then undefined).
    /// </summary>
    internal static float* Aligned(ref float[]? buffer, long floats)
    {
        if (floats + 16 > Array.MaxLength) throw new InsufficientMemoryException($"kernel buffer of {floats} floats");
        if (buffer is null || buffer.Length < floats + 16)
            buffer = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((p + 63) & ~(nint)63);
    }
}
