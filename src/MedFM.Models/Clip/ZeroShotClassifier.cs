using MedFM.Models.Clip.Tokenizers;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// Zero-shot classification weights (mlfoundations/open_clip, src/open_clip/zero_shot_classifier.py,
/// build_zero_shot_classifier): every class name is put into every template, the prompts' normalised text
/// embeddings are averaged per class, and the mean is normalised again. Images are then scored by
/// exp(logit_scale) · cosine and a softmax over classes.
/// </summary>
public sealed class ZeroShotClassifier
{
    private ZeroShotClassifier(IReadOnlyList<string> labels, Tensor weights, float logitScale, IReadOnlyList<string> truncated)
    {
        Labels = labels;
        Weights = weights;
        LogitScale = logitScale;
        TruncatedPrompts = truncated;
    }

    /// <summary>The class names, in order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>[E, C]: one normalised column per class.</summary>
    public Tensor Weights { get; }

    /// <summary>exp(logit_scale) of the model.</summary>
    public float LogitScale { get; }

    /// <summary>Prompts longer than the context length, which were cut (their embedding is of the cut text).</summary>
    public IReadOnlyList<string> TruncatedPrompts { get; }

    /// <summary>The prompt "{}" alone: each label as written.</summary>
    public static IReadOnlyList<string> LabelAsWritten { get; } = ["{}"];

    /// <summary>Builds the classifier; templates hold "{}" where the class name goes (default: the label as written).</summary>
    public static ZeroShotClassifier Build(ClipModel model, ITextTokenizer tokenizer, IReadOnlyList<string> labels,
        IReadOnlyList<string>? templates = null, int promptsPerBatch = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(labels);
        templates ??= LabelAsWritten;
        if (labels.Count == 0) throw new ClipInputException("zero-shot: the label list is empty; give at least one class name");
        for (int i = 0; i < labels.Count; i++)
            if (string.IsNullOrWhiteSpace(labels[i])) throw new ClipInputException($"zero-shot: label {i + 1} is empty");
        if (templates.Count == 0) throw new ClipInputException("zero-shot: the template list is empty");
        for (int i = 0; i < templates.Count; i++)
            if (!templates[i].Contains("{}", StringComparison.Ordinal))
                throw new ClipInputException($"zero-shot: template {i + 1} ('{templates[i]}') has no {{}} where the class name goes");
        using var noGrad = Tensors.Autograd.GradMode.Disable();
        int c = labels.Count, t = templates.Count, e = model.EmbedDim;
        var prompts = new List<string>(c * t);
        foreach (var label in labels)
            foreach (var template in templates)
                prompts.Add(template.Replace("{}", label, StringComparison.Ordinal));
        var (embeddings, truncated) = EncodePrompts(model, tokenizer, prompts, promptsPerBatch);   // [C·T, E]
        var mean = embeddings.Reshape(c, t, e).Mean(1);                                           // [C, E]
        var weights = ClipModel.L2Normalize(mean).Transpose(0, 1).Contiguous();                   // [E, C]
        return new ZeroShotClassifier(labels.ToArray(), weights, MathF.Exp(model.LogitScale.Item()), truncated);
    }

    private static (Tensor Embeddings, List<string> Truncated) EncodePrompts(ClipModel model, ITextTokenizer tokenizer,
        List<string> prompts, int perBatch)
    {
        var parts = new List<Tensor>();
        var truncated = new List<string>();
        int context = model.Text.ContextLength;
        for (int start = 0; start < prompts.Count; start += perBatch)
        {
            var chunk = prompts.GetRange(start, Math.Min(perBatch, prompts.Count - start));
            var batch = tokenizer.Tokenize(chunk, context);
            for (int i = 0; i < chunk.Count; i++) if (batch.Truncated[i]) truncated.Add(chunk[i]);
            parts.Add(model.EncodeText(batch, normalize: true));
        }
        return (parts.Count == 1 ? parts[0] : Tensor.Cat(parts, 0), truncated);
    }

    /// <summary>exp(logit_scale) · normalised image embeddings [B, E] · weights → logits [B, C].</summary>
    public Tensor Logits(Tensor normalizedImageEmbeddings)
    {
        if (normalizedImageEmbeddings.Rank != 2 || normalizedImageEmbeddings.Size(1) != Weights.Size(0))
            throw new ClipInputException($"zero-shot: image embeddings {ShapeUtil.Format(normalizedImageEmbeddings.Shape)} do not match the classifier's width {Weights.Size(0)}; the image and text towers must share the embedding width");
        return normalizedImageEmbeddings.Matmul(Weights).Mul(LogitScale);
    }

    /// <summary>Softmax over classes of <see cref="Logits"/>: [B, C].</summary>
    public Tensor Probabilities(Tensor normalizedImageEmbeddings) => Logits(normalizedImageEmbeddings).Softmax(-1);

    /// <summary>Normalised images [B, 3, S, S] → class probabilities [B, C].</summary>
    public Tensor Classify(ClipModel model, Tensor images) => Probabilities(model.EncodeImage(images, normalize: true));

    /// <summary>The k most probable classes of one row of probabilities, best first (ties keep label order).</summary>
    public IReadOnlyList<(string Label, float Probability)> TopK(ReadOnlySpan<float> probabilities, int k)
    {
        if (probabilities.Length != Labels.Count)
            throw new ClipInputException($"zero-shot: {probabilities.Length} probabilities for {Labels.Count} labels");
        var order = Enumerable.Range(0, Labels.Count).ToArray();
        var p = probabilities.ToArray();
        Array.Sort(order, (a, b) => p[b].CompareTo(p[a]) is var cmp && cmp != 0 ? cmp : a.CompareTo(b));
        return order.Take(Math.Max(0, Math.Min(k, order.Length))).Select(i => (Labels[i], p[i])).ToList();
    }
}
