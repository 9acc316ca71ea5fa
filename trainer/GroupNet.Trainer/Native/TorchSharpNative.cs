using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GroupNet.Trainer.Native;

/// <summary>
/// Loads TorchSharp's native bridge before TorchSharp initialises, from the copy that set-up prepared where the
/// system libstdc++ lacks <c>GLIBCXX_3.4.32</c> (docs/torchsharp-compat.md). TorchSharp 0.107's
/// <c>libLibTorchSharp.so</c> is built with GCC 13 and asks for that version for one symbol that nothing calls
/// (<c>std::ios_base_library_init()</c>); set-up writes a copy whose requirement is marked weak into
/// <c>torchsharp-compat/</c> beside the application, and the build carries it there. Where the folder is absent
/// (a newer distribution) this does nothing and TorchSharp loads its own library.
/// <para>Once the copy is loaded, TorchSharp's own load of "LibTorchSharp" finds it by its soname.</para>
/// </summary>
public static class TorchSharpNative
{
    /// <summary>Folder beside the application that holds the prepared copy, when set-up made one.</summary>
    public const string CompatFolder = "torchsharp-compat";

    /// <summary>File name of TorchSharp's native bridge.</summary>
    public const string BridgeFile = "libLibTorchSharp.so";

    /// <summary>LibTorch libraries the bridge needs, in load order; loaded first from the application's native folder
    /// because the copy's <c>$ORIGIN</c> run path does not point at them.</summary>
    private static readonly string[] Dependencies = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static string? _loadedFrom;

    /// <summary>Path of the prepared copy that was loaded, or null when TorchSharp loads its own library.</summary>
    public static string? LoadedFrom
    {
        get
        {
            EnsureLoaded();
            return _loadedFrom;
        }
    }

    /// <summary>Environment variable naming a Group-Net clone; an installed tool (`dotnet tool install`) whose package
    /// was packed without the prepared copy takes it from that clone's <c>.cache/torchsharp-compat/</c>.</summary>
    public const string HomeVariable = "GROUPNET_HOME";

    /// <summary>The prepared copy beside <paramref name="baseDirectory"/>, or null when set-up made none.</summary>
    public static string? PreparedCopy(string baseDirectory)
    {
        var path = Path.Combine(baseDirectory, CompatFolder, BridgeFile);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Loads the prepared copy once, if there is one. Called by the trainer's module initialiser, so every
    /// trainer type can use TorchSharp; call it yourself before using TorchSharp without a trainer type.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }
            _loaded = true;
            if (!OperatingSystem.IsLinux()
                || (PreparedCopy(AppContext.BaseDirectory) ?? CloneCopy()) is not { } copy)
            {
                return;
            }
            var native = NativeFolder();
            foreach (var dependency in Dependencies)
            {
                var path = native is null ? null : Path.Combine(native, dependency);
                if (path is null || !File.Exists(path))
                {
                    throw new DllNotFoundException($"TorchSharp compatibility: {dependency} not found beside the application "
                        + $"({native ?? AppContext.BaseDirectory}); rebuild after restoring TorchSharp-cpu");
                }
                NativeLibrary.Load(path);
            }
            NativeLibrary.Load(copy);
            _loadedFrom = copy;
        }
    }

    private static bool _loaded;

    /// <summary>The copy that set-up prepared in the clone named by <see cref="HomeVariable"/>, if any.</summary>
    private static string? CloneCopy() =>
        Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home
        && Path.Combine(home, ".cache", CompatFolder, BridgeFile) is var path && File.Exists(path) ? path : null;

    /// <summary>True for the exception TorchSharp throws when its native bridge does not load (on Debian 12 without the
    /// prepared copy: "doesn't contain a reference to libtorch-cpu-linux-x64"), so a tool can say what to do.</summary>
    public static bool IsLoadFailure(Exception e) =>
        e is TypeInitializationException { TypeName: "TorchSharp.torch" } or DllNotFoundException
        || (e.InnerException is { } inner && IsLoadFailure(inner));

    /// <summary>Where the build put LibTorch's libraries: runtimes/linux-x64/native for a portable build, the
    /// application folder itself for a RID-specific one.</summary>
    private static string? NativeFolder()
    {
        var portable = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier.StartsWith("linux-arm64", StringComparison.Ordinal) ? "linux-arm64" : "linux-x64", "native");
        if (Directory.Exists(portable))
        {
            return portable;
        }
        return File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so")) ? AppContext.BaseDirectory : null;
    }

#pragma warning disable CA2255 // A library initialiser is the point: TorchSharp must find the bridge before its static constructor runs.
    [ModuleInitializer]
    internal static void Initialize() => EnsureLoaded();
#pragma warning restore CA2255
}
