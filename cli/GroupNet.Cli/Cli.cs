using System.Text.Json;
using GroupNet.Trainer.Native;

namespace GroupNet.Cli;

/// <summary>Shared settings of the command-line tool.</summary>
public static class Cli
{
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = false };

    /// <summary>The repository root: where the firmware and c-runtime sources live. An installed tool
    /// (`dotnet tool install`) lives outside the clone: it finds it through GROUPNET_HOME, or the working folder.</summary>
    public static string RepositoryRoot()
    {
        var starts = new[] { Environment.GetEnvironmentVariable(TorchSharpNative.HomeVariable), AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (var start in starts.OfType<string>().Where(s => s.Length > 0 && Directory.Exists(s)))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Embedded.sln")) && Directory.Exists(Path.Combine(dir.FullName, "c-runtime")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new UserInputException($"this verb needs the firmware and c-runtime sources of a Group-Net clone: run groupnet inside the clone, or set {TorchSharpNative.HomeVariable} to its folder");
    }
}
