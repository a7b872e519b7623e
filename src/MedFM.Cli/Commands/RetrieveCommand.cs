using System.CommandLine;
using System.Globalization;
using MedFM.Models.Clip;

namespace MedFM.Cli.Commands;

/// <summary>
/// `medfm retrieve --index index.npy --text "query" | --image img.png [--top K] --model &lt;preset&gt; [--checkpoint FILE]
/// [--tokenizer FILE]`: the rows of a saved embedding index closest (cosine) to a text or an image.
/// </summary>
internal static class RetrieveCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Embedding index (.npy float32 [N, E], rows named by the .csv beside it)", Required = true };
        var text = new Option<string?>("--text") { Description = "Text query" };
        var image = new Option<string?>("--image") { Description = "Image query (PNG, JPEG)" };
        var top = new Option<int>("--top") { Description = "Results to print", DefaultValueFactory = _ => 5 };
        var model = new Option<string>("--model", "-m") { Description = "Preset that made the index: " + string.Join(", ", ClipPresets.Names), Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "open_clip or OpenAI checkpoint" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer file (as for zeroshot)" };
        var command = new Command("retrieve", "Find the indexed images or texts closest to a text or an image")
            { index, text, image, top, model, checkpoint, tokenizer };
        command.SetAction(CliErrors.Guard(parse =>
        {
            string? query = parse.GetValue(text), queryImage = parse.GetValue(image);
            if ((query is null) == (queryImage is null)) throw new ArgumentException("give exactly one of --text and --image");
            var idx = EmbeddingIndex.Load(parse.GetValue(index)!);
            var session = ClipSession.Open(parse.GetValue(model)!, parse.GetValue(checkpoint), parse.GetValue(tokenizer));
            if (session.RandomWeights) Console.Error.WriteLine("medfm: warning: no --checkpoint: the tiny preset runs on seeded random weights (pipeline check only)");
            IReadOnlyList<string> truncated = [];
            var embedding = query is not null ? session.EncodeTexts([query], out truncated) : session.EncodeImages([queryImage!]);
            if (truncated.Count > 0)
                Console.Error.WriteLine($"medfm: warning: the query is longer than the context length {session.Config.Text.ContextLength} and was truncated");
            foreach (var hit in idx.Search(embedding, parse.GetValue(top)))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hit.Score:F4}  {hit.Row,5}  {hit.Name}"));
            return 0;
        }));
        return command;
    }
}
