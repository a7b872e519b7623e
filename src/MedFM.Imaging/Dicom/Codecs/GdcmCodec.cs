using System.Reflection;
using System.Runtime.InteropServices;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Optional adapter to GDCM's C# binding (Debian package libgdcm-cil: gdcm-sharp.dll and libgdcmsharpglue.so), loaded
/// at run time by reflection, never referenced at compile time. It decodes the JPEG family (baseline, extended,
/// lossless), JPEG-LS and JPEG 2000. The folder is /usr/lib/cli/gdcm-sharp-3.0 unless the environment variable
/// MEDFM_GDCM_DIR names another. GDCM returns the pixels as stored: JPEG baseline colour stays YBR and no rescale is
/// applied; the caller does both. Its boolean results are not trusted alone: the buffer length is checked too.
/// </summary>
public static class GdcmCodec
{
    public const string EnvironmentVariable = "MEDFM_GDCM_DIR";
    public const string DefaultFolder = "/usr/lib/cli/gdcm-sharp-3.0";
    public const string DebianPackage = "libgdcm-cil";

    private static readonly object Gate = new();
    private static Assembly? _assembly;
    private static string? _loadError;
    private static bool _tried;

    /// <summary>The folder searched for gdcm-sharp.dll.</summary>
    public static string Folder => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } d ? d : DefaultFolder;

    /// <summary>True when the binding loads.</summary>
    public static bool IsAvailable => Load() is not null;

    /// <summary>Why the binding is not available (null when it is).</summary>
    public static string? UnavailableReason { get { Load(); return _loadError; } }

    /// <summary>What GDCM decoded: all frames, native little-endian, with the layout GDCM reports.</summary>
    public sealed record Decoded(byte[] Pixels, string Photometric, int PlanarConfiguration, int BitsAllocated);

    /// <summary>Decodes the pixel data of a file. Throws <see cref="DicomUnsupportedException"/> when GDCM is absent or fails.</summary>
    public static Decoded Decode(string path, long expectedBytes)
    {
        var asm = Load() ?? throw new DicomUnsupportedException(path, null, DicomTags.PixelData,
            $"this transfer syntax needs GDCM's C# binding, which is not available ({_loadError}); install the Debian package {DebianPackage} or set {EnvironmentVariable}");
        lock (Gate)
        {
            object reader = Create(asm, "gdcm.ImageReader");
            try
            {
                Call(reader, "SetFileName", path);
                if (!(bool)Call(reader, "Read")!)
                    throw new DicomUnsupportedException(path, null, DicomTags.PixelData, "GDCM could not read the file");
                object image = Call(reader, "GetImage")!;
                long length = Convert.ToInt64(Call(image, "GetBufferLength"), System.Globalization.CultureInfo.InvariantCulture);
                if (length < expectedBytes || length > expectedBytes * 2 + 16)
                    throw new DicomFormatException(path, null, DicomTags.PixelData, $"GDCM reports {length} decoded bytes, {expectedBytes} expected");
                var buffer = new byte[length];
                bool ok = (bool)Call(image, "GetBuffer", buffer)!;
                if (!ok && buffer.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                    throw new DicomFormatException(path, null, DicomTags.PixelData, "GDCM failed to decode the pixel data");
                object pi = Call(image, "GetPhotometricInterpretation")!;
                string photometric = ((string)Call(pi, "GetString")!).Trim().ToUpperInvariant();
                int planar = Convert.ToInt32(Call(image, "GetPlanarConfiguration"), System.Globalization.CultureInfo.InvariantCulture);
                object pf = Call(image, "GetPixelFormat")!;
                int bits = Convert.ToInt32(Call(pf, "GetBitsAllocated"), System.Globalization.CultureInfo.InvariantCulture);
                if (!ok)
                    throw new DicomFormatException(path, null, DicomTags.PixelData, "GDCM reported a decoding failure");
                return new Decoded(buffer, photometric, planar, bits);
            }
            finally { (reader as IDisposable)?.Dispose(); }
        }
    }

    private static Assembly? Load()
    {
        lock (Gate)
        {
            if (_tried) return _assembly;
            _tried = true;
            var folder = Folder;
            var dll = Path.Combine(folder, "gdcm-sharp.dll");
            if (!File.Exists(dll)) { _loadError = $"{dll} not found"; return null; }
            try
            {
                var asm = Assembly.LoadFrom(dll);
                NativeLibrary.SetDllImportResolver(asm, (name, _, _) =>
                {
                    foreach (var candidate in new[] { Path.Combine(folder, "lib" + name + ".so"), Path.Combine(folder, name + ".so"), Path.Combine(folder, name) })
                        if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var h)) return h;
                    return IntPtr.Zero;
                });
                // Touch a type to make sure the native glue loads now rather than in the middle of a read.
                (Create(asm, "gdcm.ImageReader") as IDisposable)?.Dispose();
                _assembly = asm;
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or TargetInvocationException
                                          or DllNotFoundException or TypeLoadException or InvalidOperationException)
            {
                _loadError = $"{dll} did not load: {(e.InnerException ?? e).Message}";
            }
            return _assembly;
        }
    }

    private static object Create(Assembly asm, string type) =>
        Activator.CreateInstance(asm.GetType(type, throwOnError: true)!)
        ?? throw new InvalidOperationException($"GDCM type {type} could not be created");

    private static object? Call(object target, string method, params object[] args)
    {
        var types = args.Select(a => a.GetType()).ToArray();
        MethodInfo? m = null;
        for (var t = target.GetType(); t is not null && m is null; t = t.BaseType)
            m = t.GetMethod(method, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly, types);
        m = m
            ?? throw new InvalidOperationException($"GDCM method {target.GetType().Name}.{method} not found");
        try { return m.Invoke(target, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new DicomUnsupportedException(null, null, DicomTags.PixelData, $"GDCM {method} failed: {e.InnerException.Message}");
        }
    }
}
