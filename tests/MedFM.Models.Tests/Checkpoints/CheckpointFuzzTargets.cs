using System.Buffers.Binary;
using System.IO.Compression;
using MedFM.Fuzz;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Pickle;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.Models.Checkpoints.Torch;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>
/// Fuzz targets for the checkpoint readers (run by tools/MedFM.Fuzz's engine): an input must load and convert, or
/// fail with a <see cref="CheckpointException"/>. Decoding walks the whole object graph and converts every tensor
/// of up to 2^20 elements (bigger ones, legitimate or expanded views, are counted but not materialised).
/// </summary>
internal abstract class CheckpointTarget : IFuzzTarget
{
    public abstract string Name { get; }
    public abstract IReadOnlyList<string> SeedFiles { get; }
    public abstract void Decode(byte[] input);
    public bool IsExpected(Exception e) => e is CheckpointException;
    public long AllocationBudget(int inputLength) => (64L << 20) + 256L * inputLength;
    public virtual IReadOnlyList<int> FieldOffsets(byte[] seed) => [0, 4, 8];
    public virtual byte[] Repair(byte[] mutated, byte[] seed, Random rng) => mutated;

    protected static void Convert(CheckpointTensor t)
    {
        if (t.ElementCount > 1 << 20) return;
        t.ToFloat32();
        if (!t.DType.IsFloatingPoint()) t.ToInt64();
    }

    /// <summary>Visits every value once (graphs may share or cycle), converting tensors and numpy arrays.</summary>
    protected static void Walk(object? root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<object?>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            if (v is null || v is string || v.GetType().IsValueType || !seen.Add(v)) continue;
            switch (v)
            {
                case CheckpointTensor t: Convert(t); break;
                case NumpyArray { IsBuilt: true } a: Convert(a.ToTensor()); break;
                case PyDict d:
                    foreach (var kv in d) { stack.Push(kv.Key); stack.Push(kv.Value); }
                    if (d.HasAttributes) stack.Push(d.Attributes); // Attributes creates an empty dict on first use: never chase those
                    break;
                case IEnumerable<object?> items: foreach (var x in items) stack.Push(x); break;
                case PyObject o: stack.Push(o.Attributes); break;
            }
        }
        PyFormat.Short(root);
    }
}

internal sealed class SafetensorsTarget : CheckpointTarget
{
    public override string Name => "safetensors";
    public override IReadOnlyList<string> SeedFiles => ["tests/Fixtures/checkpoints/all_dtypes.safetensors", "tests/Fixtures/checkpoints/unaligned.safetensors"];

    public override void Decode(byte[] input)
    {
        using var sd = SafetensorsFile.Read(input, "fuzz.safetensors");
        foreach (var t in sd.Values) Convert(t);
    }

    /// <summary>
    /// Three quarters of the seed is JSON header and the reader demands an exact header length and an exact tiling of
    /// the data section, so a blind mutation almost always dies at the first check (about 1% decode). Half the inputs
    /// therefore mutate the header text alone with the length prefix rewritten to match, or the data section alone:
    /// these reach JSON parsing, entry validation and element conversion.
    /// </summary>
    public override byte[] Repair(byte[] mutated, byte[] seed, Random rng)
    {
        if (rng.Next(2) == 0) return mutated;
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(seed);
        byte[] header = seed[8..(8 + n)], data = seed[(8 + n)..];
        if (rng.Next(2) == 0) header = Mutator.Mutate(header, [], rng);
        else data = Mutator.Mutate(data, [], rng);
        var result = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)header.Length);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }
}

internal sealed class TorchTarget(string name, params string[] seeds) : CheckpointTarget
{
    public override string Name => name;
    public override IReadOnlyList<string> SeedFiles => seeds.Select(s => "tests/Fixtures/checkpoints/" + s).ToArray();

    public override void Decode(byte[] input)
    {
        using var ckpt = TorchCheckpoint.Load(input, "fuzz.pth");
        Walk(ckpt.Root);
        ckpt.FindStateDict();
    }

    public override IReadOnlyList<int> FieldOffsets(byte[] seed) => ZipFieldOffsets(seed);

    /// <summary>Half of the zip inputs get data.pkl mutated and the archive rebuilt, so mutations reach the unpickler.</summary>
    public override byte[] Repair(byte[] mutated, byte[] seed, Random rng)
    {
        if (seed[0] != (byte)'P' || rng.Next(2) == 0) return mutated;
        using var src = new ZipArchive(new MemoryStream(seed), ZipArchiveMode.Read);
        using var ms = new MemoryStream();
        using (var dst = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in src.Entries)
            {
                using var input = e.Open();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)) bytes = Mutator.Mutate(bytes, [], rng);
                using var output = dst.CreateEntry(e.FullName, CompressionLevel.NoCompression).Open();
                output.Write(bytes);
            }
        return ms.ToArray();
    }

    /// <summary>Offsets of zip size, offset and count fields (local headers, central directory, end record).</summary>
    private static IReadOnlyList<int> ZipFieldOffsets(byte[] seed)
    {
        var offsets = new List<int>();
        for (int i = 0; i + 4 <= seed.Length; i++)
        {
            if (seed[i] != (byte)'P' || seed[i + 1] != (byte)'K') continue;
            int[] fields = (seed[i + 2], seed[i + 3]) switch
            {
                (3, 4) => [18, 22, 26, 28],
                (1, 2) => [20, 24, 28, 30, 32, 42],
                (5, 6) => [8, 10, 12, 16, 20],
                _ => [],
            };
            foreach (var f in fields) if (i + f < seed.Length) offsets.Add(i + f);
        }
        return offsets;
    }
}

internal sealed class PickleTarget : CheckpointTarget
{
    public override string Name => "pickle";
    public override IReadOnlyList<string> SeedFiles => [];

    public override void Decode(byte[] input) => Walk(PickleReader.Load(input, "fuzz.pkl"));
}
