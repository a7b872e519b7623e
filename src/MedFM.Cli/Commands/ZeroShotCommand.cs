using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MedFM.Models.Clip;

namespace MedFM.Cli.Commands;

/// <summary>
/// `medfm zeroshot &lt;images or folder&gt; --model &lt;preset&gt; [--checkpoint FILE] [--tokenizer FILE] --labels "a|b|..."
/// [--templates FILE] [--top K] [--json] [--index-out FILE] [--label-index-out FILE]`: zero-shot classification
/// with an image–text model.
/// </summary>
internal static class ZeroShotCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("images") { Description = "Image files (PNG, JPEG) or folders of them", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m") { Description = "Preset: " + string.Join(", ", ClipPresets.Names), Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "open_clip or OpenAI checkpoint (.bin, .pt, .pth, .safetensors)" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "CLIP merges file (bpe_simple_vocab_16e6.txt.gz), or vocab.txt / tokenizer.json for BERT text towers" };
        var labels = new Option<string>("--labels") { Description = "Class names separated by '|'", Required = true };
        var templates = new Option<string?>("--templates") { Description = "File with one prompt template a line, {} marking the class name (default: each label as written)" };
        var top = new Option<int>("--top") { Description = "Classes to print per image", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line and image: file, labels, probabilities in label order" };
        var indexOut = new Option<string?>("--index-out") { Description = "Also save the images' embeddings as an index for `medfm retrieve` (.npy + .csv)" };
        var labelIndexOut = new Option<string?>("--label-index-out") { Description = "Also save the classes' embeddings as an index (image → label retrieval)" };
        var command = new Command("zeroshot", "Classify images from class names with an image–text model (CLIP, BiomedCLIP)")
            { inputs, model, checkpoint, tokenizer, labels, templates, top, json, indexOut, labelIndexOut };
        command.SetAction(CliErrors.Guard(parse =>
        {
            var labelList = SplitLabels(parse.GetValue(labels)!);
            var templateList = parse.GetValue(templates) is { } t ? ReadTemplates(t) : null;
            var session = ClipSession.Open(parse.GetValue(model)!, parse.GetValue(checkpoint), parse.GetValue(tokenizer));
            if (session.RandomWeights) Console.Error.WriteLine("medfm: warning: no --checkpoint: the tiny preset runs on seeded random weights (pipeline check only)");
            var files = ClipSession.ListImages(parse.GetValue(inputs)!);
            var report = session.ZeroShot(files, labelList, templateList, parse.GetValue(top), out var classifier, out var embeddings);
            foreach (var p in report.TruncatedPrompts)
                Console.Error.WriteLine($"medfm: warning: prompt truncated to the context length {session.Config.Text.ContextLength}: \"{Shorten(p)}\"");
            Render(report, parse.GetValue(json));
            if (parse.GetValue(indexOut) is { } io)
                EmbeddingIndex.Save(io, files, embeddings);
            if (parse.GetValue(labelIndexOut) is { } lo)
                EmbeddingIndex.Save(lo, classifier.Labels, classifier.Weights.Transpose(0, 1).Contiguous());
            return 0;
        }));
        return command;
    }

    private static void Render(ZeroShotReport report, bool json)
    {
        foreach (var image in report.Images)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { file = image.File, labels = report.Labels, probabilities = image.Probabilities }));
                continue;
            }
            var best = string.Join(", ", image.Top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Label} {t.Probability:F4}")));
            Console.WriteLine($"{image.File}: {best}");
        }
    }

    internal static IReadOnlyList<string> SplitLabels(string text)
    {
        var list = text.Split('|').Select(l => l.Trim()).ToList();
        if (list.All(l => l.Length == 0)) throw new ClipInputException("--labels is empty; give class names separated by '|'");
        int empty = list.FindIndex(l => l.Length == 0);
        if (empty >= 0) throw new ClipInputException($"--labels: label {empty + 1} is empty (two '|' in a row?)");
        return list;
    }

    private static IReadOnlyList<string> ReadTemplates(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"templates file '{path}' does not exist", path);
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new ClipInputException($"templates file '{path}' has no template");
        return lines;
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
