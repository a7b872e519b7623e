namespace MedFM.Fuzz;

/// <summary>
/// One format under fuzzing: its seed files, how to decode an input, which exceptions are acceptable and
/// optional format-aware repairs (so mutations reach past checksums). New formats (DICOM) plug in by adding an
/// implementation to <see cref="FuzzTargets.All"/>.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Short name used on the command line, e.g. "nifti".</summary>
    string Name { get; }

    /// <summary>Seed files, relative to the repository root (small committed fixtures).</summary>
    IReadOnlyList<string> SeedFiles { get; }

    /// <summary>Decodes an input completely (headers and voxels).</summary>
    void Decode(byte[] input);

    /// <summary>True for the exceptions a reader may throw on bad input (typed library exceptions).</summary>
    bool IsExpected(Exception e);

    /// <summary>Bytes allowed to be allocated while decoding an input of this length (guards hostile length fields).</summary>
    long AllocationBudget(int inputLength);

    /// <summary>Offsets of length/size fields in a seed, favoured by the length-corruption mutation.</summary>
    IReadOnlyList<int> FieldOffsets(byte[] seed);

    /// <summary>Optionally repairs a mutated input (recompute CRCs, re-gzip) so deeper code is exercised.</summary>
    byte[] Repair(byte[] mutated, byte[] seed, Random rng);
}
