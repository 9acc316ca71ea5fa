namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>
/// Prepares a copy of TorchSharp's native bridge that loads with an older system libstdc++.
/// <para>TorchSharp 0.107's <c>libLibTorchSharp.so</c> is linked against GCC 13's libstdc++ and needs
/// <see cref="PatchableVersion"/> for one symbol, <c>std::ios_base_library_init()</c>, which GCC 13's
/// <c>&lt;iostream&gt;</c> references only so that the link pulls in stream initialisation; no relocation
/// refers to it, so nothing binds or calls it. glibc's loader still refuses the whole library when
/// libstdc++ lacks that version (GCC 12's, e.g. Debian 12's, stops at GLIBCXX_3.4.30), unless the need
/// is marked weak (VER_FLG_WEAK), in which case a missing version is only a warning in verbose mode.</para>
/// <para>Only that one version is ever marked weak, and only when no relocation uses a symbol bound to it;
/// anything else the system lacks is refused, because marking it weak would defer the failure to a call.</para>
/// </summary>
public static class LibStdCxxCompat
{
    /// <summary>The one version this tool marks weak.</summary>
    public const string PatchableVersion = "GLIBCXX_3.4.32";

    /// <summary>File name of the bridge, and of the copy written into the output folder.</summary>
    public const string BridgeFile = "libLibTorchSharp.so";

    /// <summary>
    /// Writes <c><paramref name="outDir"/>/libLibTorchSharp.so</c> when the bridge needs a version that
    /// <paramref name="libStdCxxPath"/> lacks; otherwise deletes any copy an earlier run left there.
    /// </summary>
    /// <exception cref="CompatException">An input is missing or malformed (exit 1), or the bridge needs a
    /// version other than <see cref="PatchableVersion"/> that the system lacks, or might call a symbol of it (exit 2).</exception>
    public static PrepareResult Prepare(string bridgePath, string libStdCxxPath, string outDir)
    {
        var bridgeImage = ElfVersionReader.ReadAllBytes(bridgePath);
        var bridge = ElfVersionReader.Read(bridgeImage, bridgePath);
        var libStdCxx = ElfVersionReader.ReadFile(libStdCxxPath);
        var soName = CheckLibStdCxx(libStdCxx, bridge);
        var output = Path.Combine(outDir, BridgeFile);

        var defined = libStdCxx.Definitions.ToHashSet(StringComparer.Ordinal);
        var missing = bridge.Needs
            .Where(n => n.File == soName && !n.IsWeak && !defined.Contains(n.Name))
            .ToList();
        if (missing.Count == 0)
        {
            var removed = DeleteStale(output);
            return new PrepareResult(PrepareOutcome.NotNeeded, output, libStdCxxPath, [], removed);
        }

        var others = missing.Where(n => n.Name != PatchableVersion).Select(n => n.Name).ToList();
        if (others.Count != 0)
        {
            throw new CompatException(CompatException.Refused,
                $"{bridgePath} needs {string.Join(", ", others)} from {soName}, which {libStdCxxPath} lacks; "
                + $"only {PatchableVersion} is known to be safe to mark weak (docs/torchsharp-compat.md)");
        }
        foreach (var need in missing)
        {
            var called = bridge.Imports.Where(s => s.VersionIndex == need.Index && s.IsRelocated).Select(s => s.Name).ToList();
            if (called.Count != 0)
            {
                throw new CompatException(CompatException.Refused,
                    $"{bridgePath} binds {string.Join(", ", called)} to {need.Name}, which {libStdCxxPath} lacks, "
                    + "and relocations refer to it, so marking the version weak would only defer the failure to a call");
            }
        }

        var patched = VersionNeedPatcher.MarkWeak(bridgeImage, missing);
        if (File.Exists(output) && File.ReadAllBytes(output).AsSpan().SequenceEqual(patched))
        {
            return new PrepareResult(PrepareOutcome.UpToDate, output, libStdCxxPath, missing, false);
        }
        WriteAtomically(output, patched, bridgePath);
        return new PrepareResult(PrepareOutcome.Written, output, libStdCxxPath, missing, false);
    }

    /// <summary>The soname under which the bridge's needs name <paramref name="libStdCxx"/>.</summary>
    private static string CheckLibStdCxx(ElfVersionInfo libStdCxx, ElfVersionInfo bridge)
    {
        var soName = libStdCxx.SoName ?? Path.GetFileName(libStdCxx.Path);
        if (!soName.StartsWith("libstdc++.so.", StringComparison.Ordinal))
        {
            throw new CompatException(CompatException.InputError, $"{libStdCxx.Path}: soname {soName}, not libstdc++");
        }
        if (libStdCxx.Machine != bridge.Machine)
        {
            throw new CompatException(CompatException.InputError,
                $"{libStdCxx.Path} is for {libStdCxx.Machine}, {bridge.Path} for {bridge.Machine}");
        }
        if (libStdCxx.Definitions.Count == 0)
        {
            // Without .gnu.version_d every need would look missing.
            throw new CompatException(CompatException.InputError, $"{libStdCxx.Path}: defines no symbol versions");
        }
        return soName;
    }

    private static bool DeleteStale(string output)
    {
        if (!File.Exists(output))
        {
            return false;
        }
        try
        {
            File.Delete(output);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompatException(CompatException.InputError, $"{output}: cannot delete the stale copy ({e.Message})", e);
        }
    }

    /// <summary>Temp file in the same folder, then a rename, so a loader never sees a half-written copy.</summary>
    private static void WriteAtomically(string output, byte[] contents, string modeFrom)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
        var temp = Path.Combine(folder, $".{BridgeFile}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(temp, contents);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(modeFrom));
            }
            File.Move(temp, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompatException(CompatException.InputError, $"{output}: cannot write ({e.Message})", e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
