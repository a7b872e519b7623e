using System.CommandLine;
using MedFM.Tensors;

namespace MedFM.Cli.Commands;

/// <summary>`medfm info`: version, SIMD level, GEMM backend and threads of this machine.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the engine's version, SIMD level, GEMM backend and thread count");
        command.SetAction(CliErrors.Guard(_ =>
        {
            foreach (var (key, value) in EngineInfo.Describe())
                Console.WriteLine($"{key,-8} {value}");
            return 0;
        }));
        return command;
    }
}
