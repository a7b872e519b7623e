using MedFM.Bench.Kernels;

// Kernel benchmarks, one sub-command each, every one measuring MedFM against its peer in the same run.
// Usage: dotnet run -c Release --project bench/MedFM.Bench.Kernels -- <command> [options]
//        dotnet run -c Release --project bench/MedFM.Bench.Kernels -- list
// A new benchmark is a class implementing IBenchCommand, added to the list below.
IBenchCommand[] commands =
{
    new GemmBench(),
    new ConvBench(),
    new InterpolateBench(),
    new EltwiseBench(),
    new SoftmaxBench(),
    new LayerNormBench(),
    new AttentionBench(),
};

if (args.Length == 0 || args[0] is "list" or "-h" or "--help")
{
    Console.WriteLine("usage: MedFM.Bench.Kernels <command> [options]   (<command> --help for its options)");
    Console.WriteLine();
    foreach (var c in commands) Console.WriteLine($"  {c.Name,-12} {c.Description}");
    return args.Length == 0 ? 2 : 0;
}

var command = Array.Find(commands, c => c.Name == args[0]);
if (command is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", commands.Select(c => c.Name))}");
    return 2;
}
try
{
    return command.Run(new BenchArgs(args[1..]));
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"{command.Name}: {e.Message}");
    return 2;
}
