namespace MedFM.TestSupport;

/// <summary>Locates the repository, its committed fixtures and the test-data folder prepared by the test script.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root: the first folder above the test binaries that holds MedFM.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>A committed fixture: tests/Fixtures/&lt;relative&gt;.</summary>
    public static string Fixture(string relative) => Path.Combine(Root, "tests", "Fixtures", relative);

    /// <summary>
    /// Real sample data that the test script gathers from Debian packages into .testdata/ (see scripts/prepare-testdata.sh).
    /// A missing file is a set-up error, never a reason to skip.
    /// </summary>
    public static string TestData(string relative)
    {
        var path = Path.Combine(Root, ".testdata", relative);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"test data '{relative}' is missing: run scripts/prepare-testdata.sh (the test command does)", path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedFM.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        // Built with a separate artifacts path: fall back to the root recorded at build time.
        foreach (var attr in typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
            if (attr is System.Reflection.AssemblyMetadataAttribute { Key: "MedFM.RepoRoot", Value: { } v } && File.Exists(Path.Combine(v, "MedFM.sln")))
                return v;
        throw new InvalidOperationException("MedFM.sln not found above " + AppContext.BaseDirectory);
    }
}
