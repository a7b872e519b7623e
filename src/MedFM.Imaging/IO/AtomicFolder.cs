namespace MedFM.Imaging.IO;

/// <summary>
/// Writes a set of files as one unit: they are made in a temporary sibling folder and published only when all of them
/// were written, so a failure leaves nothing under the real name (the folder-level counterpart of <see cref="AtomicFile"/>).
/// Publication is a single rename when the target does not exist (or is empty); merging into an existing folder, when
/// allowed, moves the files in one by one after all of them were made.
/// </summary>
public static class AtomicFolder
{
    /// <summary>
    /// Calls <paramref name="fill"/> with an empty temporary folder and then publishes its content as
    /// <paramref name="folder"/>. A non-empty existing <paramref name="folder"/> is refused with an <see cref="IOException"/>
    /// before anything is written, unless <paramref name="mergeIntoExisting"/> (same names are then replaced).
    /// </summary>
    public static void Write(string folder, Action<string> fill, bool mergeIntoExisting = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fill);
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(full)) throw new IOException($"output '{folder}' is a file, not a folder");
        bool existsWithContent = Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any();
        if (existsWithContent && !mergeIntoExisting)
            throw new IOException($"output folder '{folder}' exists and is not empty (choose a new or empty folder)");
        var parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
            Publish(staging, full);
        }
        finally
        {
            if (Directory.Exists(staging))
                try { Directory.Delete(staging, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void Publish(string staging, string target)
    {
        if (Directory.Exists(target) && !Directory.EnumerateFileSystemEntries(target).Any()) Directory.Delete(target);
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        foreach (var dir in Directory.EnumerateDirectories(staging, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(staging, dir)));
        foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).ToList())
            File.Move(file, Path.Combine(target, Path.GetRelativePath(staging, file)), overwrite: true);
    }
}
