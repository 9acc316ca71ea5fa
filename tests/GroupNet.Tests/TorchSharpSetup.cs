using System.Runtime.CompilerServices;
using GroupNet.Trainer.Native;

namespace GroupNet.Tests;

/// <summary>Loads TorchSharp's native bridge (the prepared copy where the system needs one) when the test assembly
/// loads, so a test may call TorchSharp before it touches any trainer type.</summary>
internal static class TorchSharpSetup
{
#pragma warning disable CA2255 // The bridge must be loaded before TorchSharp's static constructor runs, in every test.
    [ModuleInitializer]
    internal static void Initialize() => TorchSharpNative.EnsureLoaded();
#pragma warning restore CA2255
}
