using System.CommandLine;
using MedFM.Cli.Commands;

namespace MedFM.Cli;

/// <summary>Every `medfm` sub-command, in the order `medfm --help` lists them. Adding a command = one file in Commands/ + one line here.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return SegmentCommand.Create();
        yield return InfoCommand.Create();
        yield return ZeroShotCommand.Create();
        yield return RetrieveCommand.Create();
        yield return InspectCommand.Create();
        yield return EmbedCommand.Create();
        yield return ConvertCommand.Create();
        yield return DicomCommand.Create();
        yield return DeidentifyCommand.Create();
    }
}
