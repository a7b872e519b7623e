using System.Diagnostics;
using System.Text;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Runs the external DICOM tools the tests use (dcmtk: dump2dcm, img2dcm, dcmconv, dcmcjpeg, dcmcjpls, dcmcrle,
/// dcmdjpeg, dcmdjpls, dcmdrle, dcmdump, dcm2pnm; dicom3tools: dciodvfy). A missing tool or a failing run throws
/// with the command line and its output: tests never skip (scripts/prepare-testdata.sh installs the tools).
/// </summary>
internal static class DcmtkTools
{
    public sealed class ToolException(string message) : Exception(message);

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>The full path of a tool on PATH, or a loud failure.</summary>
    public static string Require(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, tool);
            if (File.Exists(p)) return p;
        }
        throw new ToolException($"required tool '{tool}' is not installed: run scripts/prepare-testdata.sh (it installs dcmtk, dicom3tools and libgdcm-cil)");
    }

    /// <summary>Runs a tool; a non-zero exit throws unless <paramref name="allowFailure"/>.</summary>
    public static Result Run(string tool, IEnumerable<string> args, string? workDir = null, bool allowFailure = false)
    {
        var psi = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workDir ?? Environment.CurrentDirectory,
            StandardOutputEncoding = Encoding.Latin1, StandardErrorEncoding = Encoding.Latin1,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new ToolException($"could not start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var r = new Result(p.ExitCode, stdout.Result, stderr);
        if (r.ExitCode != 0 && !allowFailure)
            throw new ToolException($"{tool} {string.Join(' ', psi.ArgumentList)} exited with {r.ExitCode}:\n{r.StdErr}\n{r.StdOut}");
        return r;
    }

    public static Result Run(string tool, params string[] args) => Run(tool, (IEnumerable<string>)args);

    /// <summary>Converts a file with a dcmtk converter (dcmconv, dcmcjpeg, dcmcjpls, dcmcrle, dcmdjpeg, ...).</summary>
    public static string Convert(string tool, string input, string output, params string[] options)
    {
        Run(tool, [.. options, input, output]);
        return output;
    }

    /// <summary>dcmdump's text of a file (with the given options, e.g. +P tag to print one attribute).</summary>
    public static string DcmDump(string path, params string[] options) => Run("dcmdump", [.. options, path]).StdOut;

    /// <summary>Renders a file with dcm2pnm (or dcmj2pnm) into a PGM/PPM and reads it: (width, height, channels, maxval, samples).</summary>
    public static (int Width, int Height, int Channels, int MaxVal, int[] Samples) RenderPnm(string path, string output, params string[] options)
    {
        Run("dcm2pnm", [.. options, path, output]);
        return Pnm.Read(output);
    }

    /// <summary>dciodvfy (dicom3tools): the error and warning lines it prints.</summary>
    public static (string[] Errors, string[] Warnings, string Output) Dciodvfy(string path)
    {
        var r = Run("dciodvfy", ["-new", path], allowFailure: true);
        var all = (r.StdErr + "\n" + r.StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (all.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToArray(),
                all.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).ToArray(), r.StdErr + r.StdOut);
    }
}

/// <summary>Minimal binary PGM/PPM (P5/P6) reader for dcm2pnm's output.</summary>
internal static class Pnm
{
    public static (int Width, int Height, int Channels, int MaxVal, int[] Samples) Read(string path)
    {
        var b = File.ReadAllBytes(path);
        int pos = 0;
        string Token()
        {
            while (true)
            {
                while (char.IsWhiteSpace((char)b[pos])) pos++;
                if (b[pos] != '#') break;
                while (b[pos] != '\n') pos++;
            }
            int s = pos;
            while (!char.IsWhiteSpace((char)b[pos])) pos++;
            return Encoding.ASCII.GetString(b, s, pos - s);
        }
        var magic = Token();
        int channels = magic == "P6" ? 3 : magic == "P5" ? 1 : throw new InvalidDataException($"{path}: not a binary PNM ({magic})");
        int w = int.Parse(Token()), h = int.Parse(Token()), max = int.Parse(Token());
        pos++;
        int n = w * h * channels;
        var samples = new int[n];
        for (int i = 0; i < n; i++)
            samples[i] = max < 256 ? b[pos + i] : (b[pos + 2 * i] << 8) | b[pos + 2 * i + 1];
        return (w, h, channels, max, samples);
    }
}
