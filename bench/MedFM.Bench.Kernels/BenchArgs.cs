using System.Globalization;

namespace MedFM.Bench.Kernels;

/// <summary>A wrong command line: printed as one line, exit code 2.</summary>
public sealed class BenchUsageException(string message) : Exception(message);

/// <summary>`--name value` options and `--flag` switches of a sub-command.</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);

    public BenchArgs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new BenchUsageException($"unexpected argument '{args[i]}'");
            string key = args[i];
            string? value = null;
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            options[key] = value;
        }
    }

    public bool Has(string name) => options.ContainsKey(name);

    public string? Get(string name) => options.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback) => Get(name) is { } s
        ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
            : throw new BenchUsageException($"{name} needs a positive integer, found '{s}'")
        : fallback;

    /// <summary>A comma-separated list of positive integers, e.g. `--threads 1,2`.</summary>
    public int[] Ints(string name, int[] fallback) => Get(name) is { } s
        ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
                : throw new BenchUsageException($"{name} needs positive integers, found '{s}'")).ToArray()
        : fallback;

    /// <summary>Options the command did not read (typos) are errors.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var key in options.Keys)
        {
            if (Array.IndexOf(known, key) < 0)
                throw new BenchUsageException($"unknown option {key}; known: {string.Join(" ", known)}");
        }
    }
}
