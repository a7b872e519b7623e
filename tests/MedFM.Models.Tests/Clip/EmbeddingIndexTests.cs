using MedFM.Models.Clip;
using MedFM.Tensors;
using Xunit;

namespace MedFM.Models.Tests.Clip;

public class EmbeddingIndexTests
{
    [Fact]
    public void RanksRowsByCosineWithHandWorkedScores()
    {
        // Rows (1, 0), (0, 2), (1, 1); query (1, 0.5): cosines 1/√1.25, 0.5/√1.25, 1.5/(√2·√1.25).
        var index = new EmbeddingIndex(["a", "b", "c"], [1, 0, 0, 2, 1, 1], 2);
        var hits = index.Search(Tensor.FromArray(new[] { 1f, 0.5f }), 3);
        double n = Math.Sqrt(1.25);
        Assert.Equal(new[] { "c", "a", "b" }, hits.Select(h => h.Name));
        Assert.Equal(1.5 / (Math.Sqrt(2) * n), hits[0].Score, 5);
        Assert.Equal(1 / n, hits[1].Score, 5);
        Assert.Equal(0.5 / n, hits[2].Score, 5);
        Assert.Equal(new[] { 2, 0 }, index.Search(Tensor.FromArray(new[] { 1f, 0.5f }).Reshape(1, 2), 2).Select(h => h.Row));
    }

    [Fact]
    public void SavesAndLoadsWithNamesHoldingCommasAndQuotes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medfm-index-" + Guid.NewGuid().ToString("N")[..8]);
        var path = Path.Combine(dir, "index.npy");
        string[] names = ["plain.png", "with, comma.png", "with \"quote\".png"];
        EmbeddingIndex.Save(path, names, Tensor.FromArray(new[] { 3f, 4f, 0f, 1f, -1f, 0f }, 3, 2));
        var loaded = EmbeddingIndex.Load(path);
        Assert.Equal(names, loaded.Names);
        Assert.Equal(2, loaded.Dim);
        Assert.Equal("with, comma.png", loaded.Search(Tensor.FromArray(new[] { 0f, 5f }), 1)[0].Name);
        Assert.Equal(-1f, loaded.Search(Tensor.FromArray(new[] { 1f, 0f }), 3)[^1].Score, 6);
        Assert.Equal(new[] { "row,name", "0,plain.png", "1,\"with, comma.png\"", "2,\"with \"\"quote\"\".png\"" }, File.ReadAllLines(EmbeddingIndex.NamesPath(path)));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void BadIndexesAreRefusedWithWhatAndWhere()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medfm-index-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "index.npy");
        MedFM.Tensors.IO.Npy.Write(path, new float[6], [2, 3]);
        File.WriteAllLines(EmbeddingIndex.NamesPath(path), ["row,name", "0,a.png"]);
        Assert.Contains("1 names for 2 embeddings", Assert.Throws<ClipInputException>(() => EmbeddingIndex.Load(path)).Message);
        File.WriteAllLines(EmbeddingIndex.NamesPath(path), ["x,y", "0,a", "1,b"]);
        Assert.Contains("line 1", Assert.Throws<ClipInputException>(() => EmbeddingIndex.Load(path)).Message);
        File.Delete(EmbeddingIndex.NamesPath(path));
        Assert.Equal(new[] { "0", "1" }, EmbeddingIndex.Load(path).Names);
        MedFM.Tensors.IO.Npy.Write(path, new float[6], [6]);
        Assert.Contains("expected float [N, E]", Assert.Throws<ClipInputException>(() => EmbeddingIndex.Load(path)).Message);
        Assert.Throws<ClipInputException>(() => new EmbeddingIndex(["a"], new float[3], 2));
        var index = new EmbeddingIndex(["a"], [1f, 0f], 2);
        Assert.Throws<ClipInputException>(() => index.Search(Tensor.FromArray(new[] { 1f, 0f, 0f }), 1));
        Assert.Throws<ClipInputException>(() => index.Search(Tensor.FromArray(new[] { 1f, 0f }), 0));
        Directory.Delete(dir, true);
    }
}
