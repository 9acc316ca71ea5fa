using System.Text.Json;

namespace GroupNet.Cli;

/// <summary>Shared settings of the command-line tool.</summary>
public static class Cli
{
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = false };

    /// <summary>The repository root: where the firmware and c-runtime sources live.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Embedded.sln")) && Directory.Exists(Path.Combine(dir.FullName, "c-runtime")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("cannot find the repository root (a folder with Embedded.sln and c-runtime/); run groupnet from inside the repository");
    }
}
