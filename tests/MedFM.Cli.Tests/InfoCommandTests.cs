using MedFM.Cli.Tests.Support;
using MedFM.Tensors;
using Xunit;

namespace MedFM.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void Info_ReportsTheEngineAsTheLibraryDescribesIt()
    {
        var r = CliRunner.Run("info");
        Assert.Equal(0, r.ExitCode);
        foreach (var (key, value) in EngineInfo.Describe())
            Assert.Contains($"{key,-8} {value}", r.Stdout);
    }

    [Fact]
    public void UnknownCommand_FailsWithNonZeroExit()
    {
        var r = CliRunner.Run("no-such-command");
        Assert.NotEqual(0, r.ExitCode);
        Assert.NotEmpty(r.Stderr);
    }
}
