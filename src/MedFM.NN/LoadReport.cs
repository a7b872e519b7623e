using System.Text;

namespace MedFM.NN;

/// <summary>What a state-dict load matched and what it did not.</summary>
public sealed record LoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> Mismatched, int Loaded)
{
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    public override string ToString()
    {
        var sb = new StringBuilder($"{Loaded} tensors loaded");
        Append(sb, "missing", Missing);
        Append(sb, "unexpected", Unexpected);
        Append(sb, "shape mismatch", Mismatched);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string what, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0) return;
        const int shown = 20;
        sb.Append($"; {keys.Count} {what}: ").Append(string.Join(", ", keys.Take(shown)));
        if (keys.Count > shown) sb.Append($", ... ({keys.Count - shown} more)");
    }
}

/// <summary>A strict load found missing, unexpected or mis-shaped keys; the message lists them by name.</summary>
public sealed class StateDictException : Exception
{
    public StateDictException(string model, LoadReport report)
        : base($"state dict does not fit {model}: {report}") => Report = report;

    public LoadReport Report { get; }
}
