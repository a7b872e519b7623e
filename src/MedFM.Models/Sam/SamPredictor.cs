using System.Text.Json;
using MedFM.Imaging;
using MedFM.Imaging.Transforms;
using MedFM.Tensors;
using MedFM.Tensors.IO;
using MedFM.Tensors.Memory;

namespace MedFM.Models.Sam;

/// <summary>
/// Image in once, prompts many times (segment_anything/predictor.py, SamPredictor; MedSAM_Inference.py for the MedSAM
/// preset): <see cref="SetImage"/> preprocesses and encodes one image and keeps its embedding; each
/// <see cref="Predict"/> only runs the prompt encoder and mask decoder. Coordinates are pixels of the original image
/// (x right, y down); masks come back at the original size.
/// </summary>
public sealed class SamPredictor
{
    private readonly BufferPool pool = new();

    public SamPredictor(SamModel model)
    {
        Model = model;
        model.Eval();
    }

    public SamModel Model { get; }

    /// <summary>The cached image embedding [1, C, 64, 64], or null before SetImage/LoadEmbedding.</summary>
    public Tensor? Embedding { get; private set; }

    public int OriginalHeight { get; private set; }

    public int OriginalWidth { get; private set; }

    public int InputHeight { get; private set; }

    public int InputWidth { get; private set; }

    /// <summary>Encodes an 8-bit RGB image (see <see cref="SamImage.ToRgb"/> for grey or clinical images).</summary>
    public void SetImage(Volume rgb)
    {
        var input = SamPreprocessor.Prepare(rgb, Model.Config);
        using (var scope = TensorScope.Begin(pool))
            Embedding = scope.Keep(Model.ImageEncoder.Forward(input.Image)).Contiguous();
        (OriginalHeight, OriginalWidth, InputHeight, InputWidth) = (input.OriginalHeight, input.OriginalWidth, input.InputHeight, input.InputWidth);
    }

    /// <summary>Runs the prompt encoder and mask decoder on the cached embedding.</summary>
    public SamPrediction Predict(SamPromptSet prompt, bool multimask = false)
    {
        if (Embedding is null) throw new InvalidOperationException("SetImage (or LoadEmbedding) must be called before Predict");
        prompt.Validate(OriginalWidth, OriginalHeight);
        using var scope = TensorScope.Begin(pool);
        var (lowRes, iou) = Model.Decode(Embedding, ToModelFrame(prompt), multimask);    // [1, k, 256, 256], [1, k]
        var masks = Postprocess(lowRes);                                                   // [1, k, H, W] bool-valued
        return new SamPrediction(masks.ToArray(), iou.ToArray(), lowRes.ToArray(), masks.Size(1), OriginalHeight, OriginalWidth, lowRes.Size(2), lowRes.Size(3));
    }

    /// <summary>Maps prompts from original pixels to the encoder's input frame, as the reference does per preset.</summary>
    private SamPrompt ToModelFrame(SamPromptSet p)
    {
        double sx, sy;
        if (Model.Config.Preprocessing == "medsam")
        {
            sx = (double)Model.Config.ImageSize / OriginalWidth;    // box / [W, H, W, H] · 1024
            sy = (double)Model.Config.ImageSize / OriginalHeight;
        }
        else
        {
            var (h, w) = ResizeLongestSide.GetPreprocessShape(OriginalHeight, OriginalWidth, Model.Config.ImageSize);
            sx = (double)w / OriginalWidth;
            sy = (double)h / OriginalHeight;
        }
        Tensor? coords = null, labels = null, box = null, mask = null;
        if (p.Points.Count > 0)
        {
            var c = new float[p.Points.Count * 2];
            var l = new float[p.Points.Count];
            for (int i = 0; i < p.Points.Count; i++)
            {
                c[2 * i] = (float)(p.Points[i].X * sx);
                c[2 * i + 1] = (float)(p.Points[i].Y * sy);
                l[i] = p.Points[i].Positive ? 1f : 0f;
            }
            coords = Tensor.FromArray(c, 1, p.Points.Count, 2);
            labels = Tensor.FromArray(l, 1, p.Points.Count);
        }
        if (p.Box is { } b)
            box = Tensor.FromArray(new[] { (float)(b.X0 * sx), (float)(b.Y0 * sy), (float)(b.X1 * sx), (float)(b.Y1 * sy) }, 1, 4);
        if (p.MaskInput is { } m)
        {
            int lr = 4 * Model.Config.EmbeddingSize;
            if (m.Length != lr * lr) throw new SamInputException($"a mask prompt must hold {lr}x{lr} low-res logits, got {m.Length} values");
            mask = Tensor.FromArray(m, 1, 1, lr, lr);
        }
        return new SamPrompt(coords, labels, box, mask);
    }

    /// <summary>Low-res logits → binary masks at the original size (SAM: sam.py postprocess_masks, > 0; MedSAM: sigmoid, bilinear, > 0.5).</summary>
    private Tensor Postprocess(Tensor lowRes)
    {
        int s = Model.Config.ImageSize;
        if (Model.Config.Preprocessing == "medsam")
        {
            var prob = Tensor.Interpolate(lowRes.Sigmoid(), new[] { OriginalHeight, OriginalWidth }, mode: "bilinear", alignCorners: false);
            return prob.Gt(0.5f);
        }
        var up = Tensor.Interpolate(lowRes, new[] { s, s }, mode: "bilinear", alignCorners: false);               // [1, k, S, S]
        var cropped = up.Narrow(2, 0, InputHeight).Narrow(3, 0, InputWidth);
        var full = Tensor.Interpolate(cropped, new[] { OriginalHeight, OriginalWidth }, mode: "bilinear", alignCorners: false);
        return full.Gt(0f);
    }

    /// <summary>Writes the embedding (.npy, float32 [1, C, h, w]) and a JSON sidecar with the sizes and preset.</summary>
    public void SaveEmbedding(string path)
    {
        if (Embedding is null) throw new InvalidOperationException("no embedding to save: call SetImage first");
        Npy.Write(path, Embedding.Span, Embedding.Shape);
        var meta = new EmbeddingInfo(Model.Config.Preprocessing, Model.Config.ImageSize, Model.Config.PromptEmbedDim, OriginalHeight, OriginalWidth, InputHeight, InputWidth);
        var json = JsonSerializer.SerializeToUtf8Bytes(meta);
        AtomicFileWriter.Write(path + ".json", stream => stream.Write(json));
    }

    /// <summary>Restores an embedding written by <see cref="SaveEmbedding"/>; refuses one made for another preset or size.</summary>
    public void LoadEmbedding(string path)
    {
        var metaPath = path + ".json";
        if (!File.Exists(metaPath)) throw new SamInputException($"{path}: its sidecar {Path.GetFileName(metaPath)} with the image sizes is missing");
        var meta = JsonSerializer.Deserialize<EmbeddingInfo>(File.ReadAllText(metaPath))
                   ?? throw new SamInputException($"{metaPath}: empty");
        if (meta.Preprocessing != Model.Config.Preprocessing || meta.ImageSize != Model.Config.ImageSize || meta.Channels != Model.Config.PromptEmbedDim)
            throw new SamInputException($"{path}: embedding made for preprocessing '{meta.Preprocessing}', size {meta.ImageSize}, {meta.Channels} channels; this model uses '{Model.Config.Preprocessing}', {Model.Config.ImageSize}, {Model.Config.PromptEmbedDim}");
        var arr = Npy.Read(path);
        int g = Model.Config.EmbeddingSize;
        if (!arr.Shape.SequenceEqual(new[] { 1, Model.Config.PromptEmbedDim, g, g }))
            throw new SamInputException($"{path}: shape {ShapeUtil.Format(arr.Shape)}, expected [1, {Model.Config.PromptEmbedDim}, {g}, {g}]");
        Embedding = Tensor.Wrap(arr.ToFloat32(), arr.Shape);
        (OriginalHeight, OriginalWidth, InputHeight, InputWidth) = (meta.OriginalHeight, meta.OriginalWidth, meta.InputHeight, meta.InputWidth);
    }

    private sealed record EmbeddingInfo(string Preprocessing, int ImageSize, int Channels, int OriginalHeight, int OriginalWidth, int InputHeight, int InputWidth);
}
