using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>
/// A linear layer's weight [out, in] packed once into the matrix kernel's panel layout, for inference: products with
/// it skip the per-call repacking of the weight (at ViT-B batch 1, a sixth of the time). It is a copy (as many bytes
/// as the weight). Writes through the tensor API (a span taken, an element set, CopyFrom, a state dict loaded) are
/// noticed, and the copy is packed again on its next use; writes to an array the weight wraps, or through a span
/// taken before packing, are not. <see cref="Tensor.Linear(Tensor, Tensor, Tensor?, LinearWeightPack?)"/> uses it
/// only when no gradient is recorded, the managed backend runs and the CPU's kernel is the one it was packed for,
/// and otherwise computes from the weight itself; both give bit-identical results.
/// </summary>
public sealed class LinearWeightPack
{
    private readonly object refill = new();
    private readonly GemmPackedB packed;
    private int version;

    private LinearWeightPack(Tensor weight, GemmPackedB packed, int version)
    {
        Weight = weight;
        this.packed = packed;
        this.version = version;
    }

    /// <summary>The weight this was packed from.</summary>
    public Tensor Weight { get; }

    /// <summary>Bytes of the packed copy.</summary>
    public long Bytes => packed.Bytes;

    /// <summary>How many times the copy was packed again because the weight had been written since.</summary>
    public int Repacks { get; private set; }

    /// <summary>Products that read this pack (tests check it serves when it should).</summary>
    internal int Uses;

    /// <summary>The packed copy, packed again first if the weight's storage was written through the API since.</summary>
    internal unsafe GemmPackedB Current()
    {
        var storage = Weight.Storage;
        if (storage.Version == Volatile.Read(ref version)) return packed;
        lock (refill)
        {
            int now = storage.Version;
            if (now != version)
            {
                var w = Weight.Detach().Contiguous();
                fixed (float* p = w.FloatData.AsSpan(w.Offset, w.Numel)) packed.Refill(transB: true, p, packed.K);
                Repacks++;
                Volatile.Write(ref version, now);
            }
        }
        return packed;
    }

    /// <summary>True while the weight's own elements are freed and rebuilt from this pack on their next access.</summary>
    public bool WeightReleased => Weight.Storage.ElementsReleased;

    /// <summary>
    /// Frees the weight's own float array, as an inference runtime does once a weight is packed: the elements live on
    /// in this pack alone (half the memory), and any later access to the weight (a product that cannot use the pack,
    /// a recorded product, a state dict, a read or a write) first rebuilds them from it, exactly, once. Returns false,
    /// changing nothing, when the weight does not own its whole storage (a view, a pooled buffer, an array the caller
    /// wrapped and may still hold) or is stale against the pack.
    /// </summary>
    public bool ReleaseWeight()
    {
        var storage = Weight.Storage;
        if (storage.ElementsReleased) return true;
        if (!Weight.IsContiguous || Weight.Offset != 0 || storage.Length != Weight.Numel || storage.IsPooled || storage.IsMeta || storage.IsWrapped
            || !storage.IsFloat || storage.Version != Volatile.Read(ref version)) return false;
        storage.ReleaseElements(Unpack);
        return true;
    }

    /// <summary>Rebuilds a released weight's elements now (any access would); no-op when they are held.</summary>
    public void RestoreWeight() => _ = Weight.Storage.Floats;

    /// <summary>A temporary tensor holding the weight rebuilt from the pack (the weight itself is left as it is).</summary>
    internal Tensor UnpackedCopy() => Tensor.Wrap(Unpack(), packed.N, packed.K);

    /// <summary>The weight rebuilt from the packed copy ([out, in] row-major).</summary>
    private unsafe float[] Unpack()
    {
        var w = GC.AllocateUninitializedArray<float>(packed.N * packed.K);
        fixed (float* p = w) packed.UnpackTransposed(p);
        return w;
    }

    /// <summary>Packs <paramref name="weight"/> ([out, in], float32) for the micro-kernel this process uses.</summary>
    public static unsafe LinearWeightPack Create(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        const string op = "linear pack";
        weight.RequireFloat(op);
        weight.RequireRank(2, op);
        int outF = weight.Shape[0], inF = weight.Shape[1];
        if (outF == 0 || inF == 0) throw new TensorShapeException(op, $"cannot pack an empty weight {ShapeUtil.Format(weight.ShapeArray())}");
        int version = weight.Storage.Version;
        var w = weight.Detach().Contiguous();
        fixed (float* p = w.FloatData.AsSpan(w.Offset, w.Numel))
            return new LinearWeightPack(weight, GemmPackedB.Pack(transB: true, p, inF, inF, outF), version);
    }
}
