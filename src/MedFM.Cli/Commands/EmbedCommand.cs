using System.CommandLine;
using System.Text;
using MedFM.Imaging.IO;
using MedFM.Models;
using MedFM.Tensors.IO;

namespace MedFM.Cli.Commands;

/// <summary>
/// `medfm embed &lt;images or folders&gt; --model &lt;preset&gt; [--checkpoint FILE] --out emb.npy [--csv emb.csv]`: embeddings of
/// image files with a zoo encoder and its reference preprocessing, written as float32 [N, D] .npy plus a CSV index of
/// file names. Outputs are written only when every image succeeded.
/// </summary>
internal static class EmbedCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("images") { Description = "Image files (PNG, JPEG) or folders of them", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m") { Description = $"Preset ({string.Join(", ", ModelZoo.Names)}) or a preset .json file", Required = true };
        var checkpoint = new Option<string?>("--checkpoint", "-c") { Description = "Weights (.safetensors/.pth/.bin); without it the weights are random" };
        var output = new Option<string>("--out", "-o") { Description = "Output .npy file (float32, [N, D])", Required = true };
        var csv = new Option<string?>("--csv") { Description = "CSV index of the rows (index,file); default: next to --out" };
        var batch = new Option<int>("--batch-size", "-b") { Description = "Images per forward pass", DefaultValueFactory = _ => 8 };
        var nonStrict = new Option<bool>("--non-strict") { Description = "Load what matches and report the rest instead of failing" };
        var command = new Command("embed", "Embed images with a foundation-model encoder into a .npy matrix");
        command.Arguments.Add(inputs);
        foreach (var o in new Option[] { model, checkpoint, output, csv, batch, nonStrict }) command.Options.Add(o);
        command.SetAction(CliErrors.Guard(parse =>
        {
            var files = Expand(parse.GetValue(inputs)!);
            var outPath = parse.GetValue(output)!;
            var csvPath = parse.GetValue(csv) ?? Path.ChangeExtension(outPath, ".csv");
            var opened = ModelZoo.Open(parse.GetValue(model)!, parse.GetValue(checkpoint), strict: !parse.GetValue(nonStrict));
            var embeddings = ImageEmbedder.Embed(opened.Encoder, files, parse.GetValue(batch), (done, total) => Progress(done, total));
            Npy.Write(outPath, embeddings, [files.Count, opened.Encoder.EmbedDim]);
            var index = new StringBuilder("index,file\n");
            for (int i = 0; i < files.Count; i++) index.Append(i).Append(',').Append(Csv(files[i])).Append('\n');
            AtomicFile.Write(csvPath, s => s.Write(Encoding.UTF8.GetBytes(index.ToString())));
            Console.WriteLine($"{opened.Encoder.Name}: {opened.LoadSummary}");
            Console.WriteLine($"{files.Count} embeddings of width {opened.Encoder.EmbedDim} → {outPath} (index: {csvPath})");
            return 0;
        }));
        return command;
    }

    /// <summary>Files as given, folders expanded to their image files (sorted, not recursive).</summary>
    private static List<string> Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new FileNotFoundException($"{input}: the folder holds no PNG or JPEG file");
                files.AddRange(found);
            }
            else if (File.Exists(input)) files.Add(input);
            else throw new FileNotFoundException($"{input}: no such file or folder");
        }
        return files;
    }

    private static void Progress(int done, int total)
    {
        if (Console.IsErrorRedirected) return;
        int width = 30, filled = total == 0 ? width : done * width / total;
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
        if (done == total) Console.Error.WriteLine();
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
