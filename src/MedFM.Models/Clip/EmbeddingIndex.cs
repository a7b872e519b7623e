using System.Text;
using MedFM.Tensors;
using MedFM.Tensors.IO;

namespace MedFM.Models.Clip;

/// <summary>One retrieval result: the row of the index, its name, and the cosine similarity to the query.</summary>
public sealed record RetrievalHit(int Row, string Name, float Score);

/// <summary>
/// A saved set of embeddings searched by cosine similarity: a NumPy .npy of float32 [N, E] (image or text
/// embeddings) and, beside it, &lt;stem&gt;.csv naming the rows (a header line, then "row,name" per row; the column
/// called name, file or path is used). Rows are L2-normalised when loaded, so a text query finds images of an image
/// index and an image query finds texts of a text index (or similar images) with one dot product.
/// </summary>
public sealed class EmbeddingIndex
{
    private readonly float[] _rows;

    public EmbeddingIndex(IReadOnlyList<string> names, float[] embeddings, int dim)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (dim < 1 || embeddings.Length != names.Count * dim)
            throw new ClipInputException($"embedding index: {embeddings.Length} values do not make {names.Count} rows of width {dim}");
        Names = names.ToArray();
        Dim = dim;
        _rows = (float[])embeddings.Clone();
        for (int r = 0; r < names.Count; r++) Normalize(_rows.AsSpan(r * dim, dim));
    }

    public IReadOnlyList<string> Names { get; }

    public int Dim { get; }

    public int Count => Names.Count;

    /// <summary>The sidecar that names the rows of an index file.</summary>
    public static string NamesPath(string indexPath) => Path.ChangeExtension(indexPath, ".csv");

    /// <summary>Reads an index; without a names file the rows are named by their number.</summary>
    public static EmbeddingIndex Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"embedding index '{path}' does not exist", path);
        var array = Npy.Read(path);
        if (array.Shape.Length != 2 || !array.IsFloat)
            throw new ClipInputException($"embedding index '{path}': expected float [N, E], found {array.Header.ElementType} {ShapeUtil.Format(array.Shape)}");
        int n = array.Shape[0], dim = array.Shape[1];
        var names = ReadNames(NamesPath(path), n) ?? Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new EmbeddingIndex(names, array.ToFloat32(), dim);
    }

    /// <summary>Writes embeddings [N, E] as .npy and their names as the .csv beside it (each file atomically).</summary>
    public static void Save(string path, IReadOnlyList<string> names, Tensor embeddings)
    {
        if (embeddings.Rank != 2 || embeddings.Size(0) != names.Count)
            throw new ClipInputException($"embedding index: {names.Count} names for embeddings {ShapeUtil.Format(embeddings.Shape)}");
        var data = embeddings.Contiguous().ToArray();
        AtomicFileWriter.Write(path, s => s.Write(Npy.Encode(data, embeddings.ShapeArray())));
        var csv = new StringBuilder("row,name\n");
        for (int i = 0; i < names.Count; i++) csv.Append(i).Append(',').Append(Quote(names[i])).Append('\n');
        AtomicFileWriter.Write(NamesPath(path), s => s.Write(Encoding.UTF8.GetBytes(csv.ToString())));
    }

    /// <summary>The <paramref name="top"/> rows most similar (cosine) to a query embedding [E] or [1, E], best first.</summary>
    public IReadOnlyList<RetrievalHit> Search(Tensor query, int top)
    {
        var q = query.Contiguous().ToArray();
        if (q.Length != Dim)
            throw new ClipInputException($"embedding index: the query has width {q.Length}, the index {Dim}; query with the model that built the index");
        if (top < 1) throw new ClipInputException($"embedding index: top must be at least 1, got {top}");
        Normalize(q);
        var scores = new float[Count];
        for (int r = 0; r < Count; r++)
        {
            var row = _rows.AsSpan(r * Dim, Dim);
            double dot = 0;
            for (int j = 0; j < Dim; j++) dot += row[j] * q[j];
            scores[r] = (float)dot;
        }
        return Enumerable.Range(0, Count).OrderByDescending(r => scores[r]).ThenBy(r => r).Take(top)
            .Select(r => new RetrievalHit(r, Names[r], scores[r])).ToList();
    }

    private static void Normalize(Span<float> v)
    {
        double sum = 0;
        foreach (float x in v) sum += (double)x * x;
        float scale = (float)(1.0 / Math.Max(Math.Sqrt(sum), 1e-12));
        for (int i = 0; i < v.Length; i++) v[i] *= scale;
    }

    private static string[]? ReadNames(string path, int rows)
    {
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new ClipInputException($"'{path}': the names file is empty");
        var header = SplitCsv(lines[0]);
        int column = Array.FindIndex(header, h => h.Trim().ToLowerInvariant() is "name" or "file" or "path");
        if (column < 0) throw new ClipInputException($"'{path}', line 1: expected a header with a name, file or path column, found '{lines[0]}'");
        if (lines.Length - 1 != rows)
            throw new ClipInputException($"'{path}': {lines.Length - 1} names for {rows} embeddings");
        var names = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            var cells = SplitCsv(lines[i + 1]);
            if (column >= cells.Length) throw new ClipInputException($"'{path}', line {i + 2}: no {header[column]} column");
            names[i] = cells[column];
        }
        return names;
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    /// <summary>One CSV line: comma-separated cells, double quotes around cells holding commas or quotes.</summary>
    private static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }
}
