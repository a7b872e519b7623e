namespace MedFM.Bench.Kernels;

/// <summary>A plain-text table: columns sized to their widest cell, numbers right-aligned.</summary>
public sealed class BenchTable(params string[] headers)
{
    private readonly List<string[]> rows = new();

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"row has {cells.Length} cells, table has {headers.Length} columns");
        rows.Add(cells);
    }

    public void Print(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(headers, widths, left: true));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var r in rows) output.WriteLine(Line(r, widths, left: false));
    }

    private static string Line(string[] cells, int[] widths, bool left) =>
        string.Join(" | ", cells.Select((c, i) => i == 0 || left ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
}
