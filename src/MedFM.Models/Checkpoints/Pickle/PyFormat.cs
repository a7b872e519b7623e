using System.Globalization;
using System.Text;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>A short, bounded, cycle-safe Python-like rendering of unpickled values (for messages and ToString).</summary>
public static class PyFormat
{
    public static string Short(object? value, int maxDepth = 3, int maxItems = 8)
    {
        var sb = new StringBuilder();
        Append(sb, value, maxDepth, maxItems);
        return sb.Length > 400 ? sb.ToString(0, 400) + "..." : sb.ToString();
    }

    private static void Append(StringBuilder sb, object? v, int depth, int maxItems)
    {
        if (sb.Length > 400) return;
        switch (v)
        {
            case null: sb.Append("None"); return;
            case bool b: sb.Append(b ? "True" : "False"); return;
            case string s: sb.Append('\'').Append(s.Length > 60 ? s[..60] + "..." : s).Append('\''); return;
            case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); return;
            case byte[] bytes: sb.Append("b<").Append(bytes.Length).Append(" bytes>"); return;
            case CheckpointTensor t: sb.Append("tensor(").Append(t.DType).Append('[').AppendJoin(", ", t.Shape).Append("])"); return;
            case IFormattable f: sb.Append(f.ToString(null, CultureInfo.InvariantCulture)); return;
        }
        if (depth <= 0) { sb.Append("..."); return; }
        switch (v)
        {
            case PyDict d:
                sb.Append('{');
                int i = 0;
                foreach (var kv in d)
                {
                    if (i++ > 0) sb.Append(", ");
                    if (i > maxItems) { sb.Append("... (").Append(d.Count).Append(" items)"); break; }
                    Append(sb, kv.Key, depth - 1, maxItems);
                    sb.Append(": ");
                    Append(sb, kv.Value, depth - 1, maxItems);
                }
                sb.Append('}');
                return;
            case PyObject o:
                sb.Append(o.ClassName).Append('(');
                Append(sb, o.Attributes, depth - 1, maxItems);
                sb.Append(')');
                return;
            case PyTuple t: Sequence(sb, "(", ")", t, depth, maxItems); return;
            case PySet s: Sequence(sb, "{", "}", s, depth, maxItems); return;
            case List<object?> l: Sequence(sb, "[", "]", l, depth, maxItems); return;
            default: sb.Append(v); return;
        }
    }

    private static void Sequence(StringBuilder sb, string open, string close, IEnumerable<object?> items, int depth, int maxItems)
    {
        sb.Append(open);
        int i = 0;
        foreach (var item in items)
        {
            if (i++ > 0) sb.Append(", ");
            if (i > maxItems) { sb.Append("..."); break; }
            Append(sb, item, depth - 1, maxItems);
        }
        sb.Append(close);
    }
}
