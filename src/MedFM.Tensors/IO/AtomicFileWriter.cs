namespace MedFM.Tensors.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a crash never leaves a half-written file under the
/// real name. Either pass a callback (<see cref="Write"/>) or open a <see cref="PendingFile"/>, write to its stream
/// (spans welcome) and <see cref="PendingFile.Commit"/>; disposing without committing deletes the temporary file.
/// </summary>
public static class AtomicFileWriter
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var pending = Create(path);
        write(pending.Stream);
        pending.Commit();
    }

    /// <summary>Opens a temporary file next to <paramref name="path"/>.</summary>
    public static PendingFile Create(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        return new PendingFile(full, tmp, new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    /// <summary>A file being written under a temporary name.</summary>
    public sealed class PendingFile : IDisposable
    {
        private readonly string _target, _temp;
        private FileStream? _stream;
        private bool _committed;

        internal PendingFile(string target, string temp, FileStream stream) => (_target, _temp, _stream) = (target, temp, stream);

        public Stream Stream => _stream ?? throw new ObjectDisposedException(nameof(PendingFile));

        /// <summary>Flushes to disk and renames the temporary file onto the target (replacing it).</summary>
        public void Commit()
        {
            var s = _stream ?? throw new ObjectDisposedException(nameof(PendingFile));
            s.Flush(flushToDisk: true);
            s.Dispose();
            _stream = null;
            File.Move(_temp, _target, overwrite: true);
            _committed = true;
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _stream = null;
            if (_committed) return;
            try { File.Delete(_temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
