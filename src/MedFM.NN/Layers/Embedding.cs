using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.Embedding: key "weight" [num_embeddings, embedding_dim], initialised N(0, 1) with the padding row zeroed.
/// Forward takes int64 ids of any shape and returns [ids..., dim]; the backward scatter-adds into the used rows and
/// never into the padding row.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? init = null)
    {
        if (numEmbeddings < 1 || embeddingDim < 1)
            throw new ArgumentException($"Embedding: sizes must be positive, got {numEmbeddings} × {embeddingDim}");
        if (paddingIdx is int p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentException($"Embedding: padding_idx {p} must be within num_embeddings {numEmbeddings}");
            paddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx;
        var w = Tensor.Randn(init, new[] { numEmbeddings, embeddingDim });
        if (PaddingIdx is int pad && !w.IsMeta) w.Span.Slice(pad * embeddingDim, embeddingDim).Clear();
        Weight = RegisterParameter("weight", w);
    }

    public int NumEmbeddings { get; }

    public int EmbeddingDim { get; }

    public int? PaddingIdx { get; }

    public Tensor Weight { get; }

    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight, PaddingIdx);

    protected override string ExtraRepr() =>
        $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");

    /// <summary>An embedding initialised from a [num, dim] matrix (torch's Embedding.from_pretrained); frozen by default.</summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null)
    {
        if (embeddings.Rank != 2) throw new TensorShapeException("embedding", $"pretrained embeddings must be 2-D, got {ShapeUtil.Format(embeddings.Shape)}");
        var e = new Embedding(embeddings.Size(0), embeddings.Size(1), paddingIdx, new Generator(0));
        using (GradMode.Disable()) e.Weight.CopyFrom(embeddings);
        e.Weight.RequiresGrad = !freeze;
        return e;
    }
}
