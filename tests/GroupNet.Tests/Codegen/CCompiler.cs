using System.Diagnostics;

namespace GroupNet.Tests.Codegen;

/// <summary>Runs host tools (gcc, arm-none-eabi-gcc, the compiled harness) with a time-out.</summary>
internal static class CCompiler
{
    public static string RuntimeDir => Path.Combine(RepoRoot(), "c-runtime");

    public static readonly string[] StrictFlags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"];

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "c-runtime")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("c-runtime/ not found above " + AppContext.BaseDirectory);
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(string exe, IEnumerable<string> args, string workDir, int timeoutMs = 300_000)
    {
        var psi = new ProcessStartInfo(exe)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Compiles and fails the test with the compiler's output when it does not succeed.</summary>
    public static void MustSucceed(string exe, IEnumerable<string> args, string workDir)
    {
        var list = args.ToList();
        var (code, stdout, stderr) = Run(exe, list, workDir);
        if (code != 0)
        {
            string text = stdout + stderr;
            throw new Xunit.Sdk.XunitException($"{exe} {string.Join(' ', list)} failed with exit code {code}:\n{(text.Length > 6000 ? text[..6000] + "\n..." : text)}");
        }
    }

    public static string TempDir(string tag)
    {
        string dir = Path.Combine(Path.GetTempPath(), "gn-codegen-tests", $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
