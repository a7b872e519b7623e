using System.CommandLine;
using System.Globalization;
using MedFM.Models;
using MedFM.Models.Checkpoints;

namespace MedFM.Cli.Commands;

/// <summary>`medfm inspect &lt;checkpoint&gt;`: format, state-dict location, family, key count, dtypes, parameters and fitting presets.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("checkpoint") { Description = "A .safetensors, .pth, .pt or .bin file (read without running any code from it)" };
        var keys = new Option<bool>("--keys") { Description = "List every tensor: key, dtype and shape" };
        var statePath = new Option<string?>("--state-path") { Description = "Where the state dict sits in a .pth, e.g. 'model' or 'teacher' (found automatically otherwise)" };
        var command = new Command("inspect", "Describe a checkpoint: tensors, dtypes, parameter count, model family and matching presets");
        command.Arguments.Add(file);
        command.Options.Add(keys);
        command.Options.Add(statePath);
        command.SetAction(CliErrors.Guard(parse =>
        {
            var path = parse.GetValue(file)!;
            var found = CheckpointFile.Load(path, parse.GetValue(statePath));
            using var sd = found.StateDict;
            var d = CheckpointInspector.Describe(sd, path, CheckpointFile.Identify(path), found.Path);
            var presets = ModelZoo.MatchingPresets(sd);
            Console.WriteLine($"file        {d.File}");
            Console.WriteLine($"format      {d.Format}");
            Console.WriteLine($"state dict  {(d.StatePath.Length == 0 ? "(root)" : d.StatePath)}{(found.IgnoredKeys.Count > 0 ? $"  (beside: {string.Join(", ", found.IgnoredKeys)})" : "")}");
            Console.WriteLine($"family      {d.Family}{(d.KeyPrefix.Length > 0 ? $" (under '{d.KeyPrefix}')" : "")}");
            Console.WriteLine($"keys        {d.Entries.Count}");
            Console.WriteLine($"dtypes      {string.Join(", ", d.Entries.GroupBy(e => e.DType).OrderBy(g => g.Key.ToString()).Select(g => $"{g.Key} ×{g.Count()}"))}");
            Console.WriteLine($"parameters  {d.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} ({Millions(d.ParameterCount)})");
            Console.WriteLine($"presets     {(presets.Count == 0 ? "(none fits exactly)" : string.Join(", ", presets))}");
            if (parse.GetValue(keys))
                foreach (var e in d.Entries)
                    Console.WriteLine($"  {e.Key}  {e.DType}  [{string.Join(", ", e.Shape)}]");
            return 0;
        }));
        return command;
    }

    private static string Millions(long n) => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + " M";
}
