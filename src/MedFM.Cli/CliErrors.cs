namespace MedFM.Cli;

/// <summary>
/// Turns a failure into one clear line on stderr and a non-zero exit code. Library exceptions carry their own
/// message (what and where); the stack trace is shown only with MEDFM_DEBUG=1.
/// </summary>
internal static class CliErrors
{
    public const int Failure = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var inner = e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : e;
            Console.Error.WriteLine($"medfm: error: {OneLine(inner.Message)}");
            if (Environment.GetEnvironmentVariable("MEDFM_DEBUG") == "1") Console.Error.WriteLine(inner);
            return Failure;
        }
    }

    /// <summary>Wraps a command action so its exceptions become one stderr line (System.CommandLine otherwise prints a trace).</summary>
    public static Func<System.CommandLine.ParseResult, int> Guard(Func<System.CommandLine.ParseResult, int> action) =>
        parse => Run(() => action(parse));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
