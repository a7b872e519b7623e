namespace MedFM.Bench.Kernels;

/// <summary>One benchmark sub-command (`gemm`, `softmax`, ...): a name for the dispatcher, a line for `list`, a body.</summary>
public interface IBenchCommand
{
    string Name { get; }

    string Description { get; }

    /// <summary>Runs the benchmark and prints its table; returns the process exit code.</summary>
    int Run(BenchArgs args);
}
