using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The row operations of the fused attention forward on whole score rows: maximum (NaN-propagating), then
/// e^(s − max) in place with the sum, 16 lanes at a time on AVX-512 CPUs and 8 otherwise (the two widths run the
/// same per-lane formula, so they agree bit for bit apart from the order of the final sum).
/// </summary>
internal static class AttentionSoftmax
{
    /// <summary>
    /// row = e^(row − max(row)) in place; returns (sum, max). A row whose every score is −∞ becomes NaN (0/0, as the
    /// composed softmax gives) with sum 0 and max −∞.
    /// </summary>
    public static (float Sum, float Max) ExpRow(Span<float> row)
    {
        float max = Max(row);
        if (float.IsNegativeInfinity(max))
        {
            row.Fill(float.NaN);
            return (0f, max);
        }
        return (VecMath512.IsSupported ? ExpShift512(row, max) : ExpShiftInPlace(row, max), max);
    }

    /// <summary>The largest element, NaN if any element is NaN, −∞ for an empty row.</summary>
    public static float Max(ReadOnlySpan<float> row)
    {
        int n = row.Length, i = 0;
        ref float rs = ref MemoryMarshal.GetReference(row);
        float m = float.NegativeInfinity;
        bool nan = false;
        if (VecMath512.IsSupported && n >= 16)
        {
            var acc = Vector512.Create(float.NegativeInfinity);
            var bad = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref rs, (nuint)i);
                bad |= ~Vector512.Equals(v, v);
                acc = System.Runtime.Intrinsics.X86.Avx512F.Max(acc, v);
            }
            nan = bad != Vector512<float>.Zero;
            m = Softmax.HMax(VecMath.MaxB(acc.GetLower(), acc.GetUpper()));
        }
        else if (n >= 8)
        {
            var acc = Vector256.Create(float.NegativeInfinity);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref rs, (nuint)i);
                nan |= !Vector256.EqualsAll(v, v);
                acc = VecMath.MaxB(acc, v);
            }
            m = Softmax.HMax(acc);
        }
        for (; i < n; i++)
        {
            nan |= float.IsNaN(row[i]);
            m = MathF.Max(m, row[i]);
        }
        return nan ? float.NaN : m;
    }

    private static float ExpShift512(Span<float> row, float shift)
    {
        int n = row.Length, i = 0;
        ref float rs = ref MemoryMarshal.GetReference(row);
        var vs = Vector512.Create(shift);
        var acc = Vector512<float>.Zero;
        for (; i <= n - 16; i += 16)
        {
            var e = VecMath512.Exp(Vector512.LoadUnsafe(ref rs, (nuint)i) - vs);
            e.StoreUnsafe(ref rs, (nuint)i);
            acc += e;
        }
        float sum = Vector512.Sum(acc);
        return sum + ExpTail(row[i..], shift);
    }

    /// <summary>row = e^(row − shift) in place; returns the sum.</summary>
    internal static float ExpShiftInPlace(Span<float> row, float shift)
    {
        int n = row.Length, i = 0;
        ref float rs = ref MemoryMarshal.GetReference(row);
        var vs = Vector256.Create(shift);
        var acc = Vector256<float>.Zero;
        for (; i <= n - 8; i += 8)
        {
            var e = VecMath.Exp(Vector256.LoadUnsafe(ref rs, (nuint)i) - vs);
            e.StoreUnsafe(ref rs, (nuint)i);
            acc += e;
        }
        float sum = Vector256.Sum(acc);
        return sum + ExpTail(row[i..], shift);
    }

    /// <summary>
    /// The last few elements of a row (fewer than a vector) in padded 8-lane vectors rather than one element at a
    /// time: rows as short as SAM's 7 prompt tokens are all tail. Same per-lane formula as the full vectors.
    /// </summary>
    private static float ExpTail(Span<float> tail, float shift)
    {
        float sum = 0;
        var vs = Vector256.Create(shift);
        for (int i = 0; i < tail.Length; i += 8)
        {
            var part = tail[i..Math.Min(tail.Length, i + 8)];
            var e = VecMath.Exp(VecMath.LoadPartial(part, float.NegativeInfinity) - vs);
            VecMath.StorePartial(e, part);
            sum += Vector256.Sum(e);
        }
        return sum;
    }
}
