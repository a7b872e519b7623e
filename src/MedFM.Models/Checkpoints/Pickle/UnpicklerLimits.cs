namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// Resource limits of the restricted unpickler, so a hostile pickle cannot exhaust memory or the call stack.
/// Every opcode consumes at least one input byte, so work is bounded by the input length; these bound the rest.
/// </summary>
public sealed record UnpicklerLimits
{
    public static readonly UnpicklerLimits Default = new();

    /// <summary>Most values on the VM stack at once.</summary>
    public int MaxStack { get; init; } = 1 << 20;

    /// <summary>Most memo entries (PUT/BINPUT/MEMOIZE).</summary>
    public int MaxMemo { get; init; } = 1 << 24;

    /// <summary>Most open MARKs at once: the nesting depth of containers being built.</summary>
    public int MaxNesting { get; init; } = 1000;

    /// <summary>Most decimal digits in a protocol-0 integer (Python's own default limit is 4300).</summary>
    public int MaxIntegerDigits { get; init; } = 4300;

    /// <summary>Most bytes in a LONG1/LONG4 integer.</summary>
    public int MaxLongBytes { get; init; } = 1 << 12;

    /// <summary>
    /// Copying and hashing allowed per byte of pickle (elements copied out of values already built, characters of
    /// dict keys hashed), on top of <see cref="BaseWork"/>: real checkpoints need about one unit per byte.
    /// </summary>
    public int WorkPerByte { get; init; } = 16;

    /// <summary>Copying and hashing allowed to any pickle, however short.</summary>
    public long BaseWork { get; init; } = 1 << 20;
}
