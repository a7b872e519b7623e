using System.Diagnostics;
using MedFM.TestSupport;

namespace MedFM.Cli.Tests.Support;

/// <summary>What one `medfm` run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the built `medfm` (copied next to the tests by the project reference) as a separate process, the way a user or
/// another tool calls it: real exit codes, real stdout/stderr, no shared Console state between parallel tests.
/// </summary>
public static class CliRunner
{
    private static readonly string Entry = Path.Combine(AppContext.BaseDirectory, "medfm.dll");

    public static CliResult Run(params string[] args) => Run(TimeSpan.FromMinutes(5), args);

    public static CliResult Run(TimeSpan timeout, params string[] args) => Run(timeout, new Dictionary<string, string>(), args);

    /// <summary>Runs with extra environment variables (e.g. to hide an optional native component).</summary>
    public static CliResult Run(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run(TimeSpan.FromMinutes(5), environment, args);

    private static CliResult Run(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.ArgumentList.Add(Entry);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start medfm");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"medfm {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh empty folder for one test's outputs.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medfm-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
