using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using ELFSharp.ELF;

namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>Default locations of the two inputs: TorchSharp's bridge in the NuGet package folder, and the
/// libstdc++ the dynamic loader would pick.</summary>
public static class SystemPaths
{
    /// <summary>Folders searched after the loader cache, in order.</summary>
    private static readonly string[] LibraryFolders = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64"];

    private const string LibStdCxxSoName = "libstdc++.so.6";

    /// <summary>The TorchSharp version whose bridge is prepared; set in TorchSharpCompat.csproj.</summary>
    public static string TorchSharpVersion { get; } =
        typeof(SystemPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TorchSharpVersion").Value!;

    /// <summary><c>${NUGET_PACKAGES:-~/.nuget/packages}/torchsharp/VERSION/runtimes/linux-x64/native/libLibTorchSharp.so</c>.</summary>
    public static string DefaultBridge()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", TorchSharpVersion, "runtimes", "linux-x64", "native", LibStdCxxCompat.BridgeFile);
    }

    /// <summary>The first libstdc++.so.6 for this process's architecture that <c>ldconfig -p</c> lists, else the
    /// first in /usr/lib/x86_64-linux-gnu, /lib/x86_64-linux-gnu, /usr/lib64.</summary>
    /// <exception cref="CompatException">None found.</exception>
    public static string DefaultLibStdCxx()
    {
        var machine = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => Machine.AMD64,
            Architecture.Arm64 => Machine.AArch64,
            var other => throw new CompatException(CompatException.InputError, $"no TorchSharp bridge for {other}"),
        };
        var candidates = LoaderCache().Concat(LibraryFolders.Select(f => Path.Combine(f, LibStdCxxSoName)));
        return candidates.FirstOrDefault(p => IsElfFor(p, machine))
            ?? throw new CompatException(CompatException.InputError,
                $"no {LibStdCxxSoName} for {machine} found (ldconfig -p, {string.Join(", ", LibraryFolders)}); pass --libstdcxx PATH");
    }

    /// <summary>Paths <c>ldconfig -p</c> lists for libstdc++.so.6, the loader's own cache (its binary format is
    /// glibc-internal, so its printout is the stable interface); empty when ldconfig is not there.</summary>
    private static List<string> LoaderCache()
    {
        foreach (var ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(ldconfig, "-p")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null)
                {
                    continue;
                }
                var stderr = process.StandardError.ReadToEndAsync();
                var lines = process.StandardOutput.ReadToEnd().Split('\n');
                process.WaitForExit();
                _ = stderr.Result;
                // Lines read "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6".
                return lines
                    .Select(l => l.Trim())
                    .Where(l => l.StartsWith(LibStdCxxSoName + " ", StringComparison.Ordinal) && l.Contains(" => ", StringComparison.Ordinal))
                    .Select(l => l[(l.IndexOf(" => ", StringComparison.Ordinal) + 4)..].Trim())
                    .ToList();
            }
            catch (Win32Exception)
            {
                // Not at this path; try the next.
            }
        }
        return [];
    }

    private static bool IsElfFor(string path, Machine machine)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            if (!ELFReader.TryLoad(path, out var elf))
            {
                return false;
            }
            using (elf)
            {
                return elf.Machine == machine;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
