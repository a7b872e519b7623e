using System.CommandLine;
using MedFM.Cli;

// The `medfm` command: a thin shell over the libraries. Each command lives in Commands/ and is listed in CommandCatalog.
var root = new RootCommand("MedFM: medical-imaging foundation models in .NET (segment, embed, classify, adapt, evaluate)");
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);
return CliErrors.Run(() => root.Parse(args).Invoke());
