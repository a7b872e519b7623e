using MedFM.Imaging;
using MedFM.Models.Clip.Tokenizers;
using MedFM.Models.Sam;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Memory;
using MedFM.Tensors.Random;

namespace MedFM.Models.Clip;

/// <summary>Zero-shot result of one image: probabilities in label order and the best classes.</summary>
public sealed record ZeroShotImageResult(string File, float[] Probabilities, IReadOnlyList<(string Label, float Probability)> Top);

/// <summary>Zero-shot results of a set of images, with the prompts that were cut to the context length.</summary>
public sealed record ZeroShotReport(IReadOnlyList<string> Labels, IReadOnlyList<ZeroShotImageResult> Images, IReadOnlyList<string> TruncatedPrompts);

/// <summary>
/// An image–text model ready for use: a preset with its weights, its tokenizer and its image preprocessing. What the
/// `medfm zeroshot` and `medfm retrieve` commands call. Inference runs without recording gradients.
/// </summary>
public sealed class ClipSession
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    private ClipSession(ClipModel model, ITextTokenizer tokenizer, bool randomWeights)
    {
        model.PrepackForInference(releaseWeights: true); // a session encodes many images and prompts: pack the linear weights once, free their unpacked arrays
        Model = model;
        Tokenizer = tokenizer;
        RandomWeights = randomWeights;
    }

    public ClipModel Model { get; }

    public ITextTokenizer Tokenizer { get; }

    /// <summary>True for a tiny preset opened without a checkpoint: seeded random weights, for pipeline checks only.</summary>
    public bool RandomWeights { get; }

    public ClipConfig Config => Model.Config;

    /// <summary>
    /// Opens a preset. Published presets need their checkpoint; tiny presets without one get weights drawn from a
    /// fixed seed. The tokenizer file is CLIP's merges (.txt or .txt.gz) or, for a BERT text tower, vocab.txt or
    /// tokenizer.json; its vocabulary must fit the text tower.
    /// </summary>
    public static ClipSession Open(string preset, string? checkpointPath, string? tokenizerPath)
    {
        var config = ClipPresets.Get(preset);
        if (tokenizerPath is null)
            throw new ClipInputException(config.Text.IsHf
                ? $"preset '{preset}' needs its tokenizer: give --tokenizer vocab.txt or tokenizer.json of {config.Text.HfTokenizerName ?? config.Text.HfModelName}"
                : $"preset '{preset}' needs its tokenizer: give --tokenizer with CLIP's merges file (bpe_simple_vocab_16e6.txt.gz)");
        ClipModel model;
        bool random = checkpointPath is null;
        if (checkpointPath is not null) model = ClipLoader.Load(config, checkpointPath);
        else if (ClipPresets.IsTiny(preset)) model = SeededModel(config, seed: 0);
        else throw new ClipInputException($"preset '{preset}' needs its weights: give --checkpoint with the open_clip or OpenAI checkpoint");
        var tokenizer = OpenTokenizer(config, tokenizerPath);
        int towerVocab = config.Text.IsHf ? config.Text.Bert!.VocabSize : config.Text.VocabSize;
        if (tokenizer.VocabularySize > towerVocab)
            throw new ClipInputException($"tokenizer '{Path.GetFileName(tokenizerPath)}' has {tokenizer.VocabularySize} ids but the text tower of '{preset}' embeds {towerVocab}; use the tokenizer that ships with the model");
        return new ClipSession(model, tokenizer, random);
    }

    private static ITextTokenizer OpenTokenizer(ClipConfig config, string path)
    {
        if (!File.Exists(path)) throw new TokenizerException(path, null, "the tokenizer file does not exist");
        if (!config.Text.IsHf) return ClipTokenizer.FromFile(path, config.Text.ContextLength);
        var options = BertTokenizerOptions.BiomedClip with { ContextLength = config.Text.ContextLength };
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? BertTokenizer.FromTokenizerJson(path, options)
            : BertTokenizer.FromVocabTxt(path, options);
    }

    /// <summary>A model whose weights come from one seed: LayerNorm weights 1, biases 0, the rest N(0, 0.02).</summary>
    private static ClipModel SeededModel(ClipConfig config, int seed)
    {
        var model = new ClipModel(config);
        var gen = new Generator((ulong)seed);
        using var noGrad = GradMode.Disable();
        var norms = model.NamedModules().Where(m => m.Module is NN.Layers.LayerNorm).Select(m => m.Name + ".").ToArray();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (name == "logit_scale") continue;
            bool norm = norms.Any(n => name.StartsWith(n, StringComparison.Ordinal));
            p.CopyFrom(norm ? Tensor.Full(name.EndsWith("weight", StringComparison.Ordinal) ? 1f : 0f, p.ShapeArray())
                : name.EndsWith("bias", StringComparison.Ordinal) ? Tensor.Zeros(p.ShapeArray()) : Tensor.Randn(gen, p.ShapeArray(), 0f, 0.02f));
        }
        model.Eval();
        return model;
    }

    /// <summary>Image files of the arguments: files as given, folders' PNG/JPEG files in name order.</summary>
    public static IReadOnlyList<string> ListImages(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(input)) files.Add(input);
            else throw new FileNotFoundException($"'{input}' is neither an image file nor a folder", input);
        }
        if (files.Count == 0) throw new ClipInputException("no images given (folders are searched for .png, .jpg and .jpeg files)");
        return files;
    }

    /// <summary>Reads a 2-D image as 8-bit L or RGB (other bit depths mapped to 8 bits as for SAM).</summary>
    public static Volume ReadImage(string path)
    {
        var v = ImageFile.Read(path);
        if (v.Depth != 1 || v.Frames != 1)
            throw new ClipInputException($"'{path}': expected a 2-D image, found {v.Width}x{v.Height}x{v.Depth} with {v.Frames} frame(s)");
        if (v.Components is not (1 or 3))
            throw new ClipInputException($"'{path}': expected grey or RGB, found {v.Components} components (remove the alpha channel)");
        return SamImage.ToUInt8(v);
    }

    /// <summary>L2-normalised embeddings [N, E] of image files, in batches.</summary>
    public Tensor EncodeImages(IReadOnlyList<string> files, int batchSize = 8)
    {
        using var noGrad = GradMode.Disable();
        var parts = new List<Tensor>();
        for (int start = 0; start < files.Count; start += batchSize)
        {
            var images = files.Skip(start).Take(batchSize).Select(ReadImage).ToList();
            var x = ClipPreprocessor.Prepare(images, Config);
            parts.Add(TensorScope.Run(() => Model.EncodeImage(x, normalize: true)).Contiguous());
        }
        return parts.Count == 1 ? parts[0] : Tensor.Cat(parts, 0);
    }

    /// <summary>L2-normalised embeddings [N, E] of texts; rows cut to the context length are listed in <paramref name="truncated"/>.</summary>
    public Tensor EncodeTexts(IReadOnlyList<string> texts, out IReadOnlyList<string> truncated)
    {
        using var noGrad = GradMode.Disable();
        var batch = Tokenizer.Tokenize(texts, Config.Text.ContextLength);
        truncated = texts.Where((_, i) => batch.Truncated[i]).ToList();
        return Model.EncodeText(batch, normalize: true);
    }

    /// <summary>Builds the classifier from labels × templates and classifies every image.</summary>
    public ZeroShotReport ZeroShot(IReadOnlyList<string> files, IReadOnlyList<string> labels, IReadOnlyList<string>? templates, int top,
        out ZeroShotClassifier classifier, out Tensor imageEmbeddings)
    {
        classifier = ZeroShotClassifier.Build(Model, Tokenizer, labels, templates);
        imageEmbeddings = EncodeImages(files);
        Tensor probs;
        using (GradMode.Disable()) probs = classifier.Probabilities(imageEmbeddings);
        int c = labels.Count;
        var all = probs.ToArray();
        var results = new List<ZeroShotImageResult>();
        for (int i = 0; i < files.Count; i++)
        {
            var row = all.AsSpan(i * c, c).ToArray();
            results.Add(new ZeroShotImageResult(files[i], row, classifier.TopK(row, top)));
        }
        return new ZeroShotReport(classifier.Labels, results, classifier.TruncatedPrompts);
    }
}
