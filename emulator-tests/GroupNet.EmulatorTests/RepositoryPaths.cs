namespace GroupNet.EmulatorTests;

/// <summary>Locates the repository and a per-test scratch folder under out/test (git-ignored).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Scratch(string name)
    {
        string dir = Path.Combine(Root, "out", "test", name);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Embedded.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (Embedded.sln) not found above " + AppContext.BaseDirectory);
    }
}
