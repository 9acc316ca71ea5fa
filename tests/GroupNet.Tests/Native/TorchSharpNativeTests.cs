using FluentAssertions;
using GroupNet.Tools.TorchSharpCompat;
using GroupNet.Trainer.Native;
using TorchSharp;

namespace GroupNet.Tests.Native;

/// <summary>
/// The runtime side in this very process: where the system libstdc++ lacks GLIBCXX_3.4.32, the build carried
/// set-up's prepared copy beside the tests and <see cref="TorchSharpNative"/> loaded it, so TorchSharp works;
/// elsewhere there is no copy and TorchSharp loads its own bridge.
/// </summary>
public class TorchSharpNativeTests
{
    private static bool SystemLacksTheVersion() =>
        !ElfVersionReader.ReadFile(SystemPaths.DefaultLibStdCxx()).Definitions.Contains(LibStdCxxCompat.PatchableVersion);

    [Fact]
    public void TorchSharp_computes_with_the_bridge_the_system_needs()
    {
        var loaded = TorchSharpNative.LoadedFrom;

        if (SystemLacksTheVersion())
        {
            var expected = Path.Combine(AppContext.BaseDirectory, TorchSharpNative.CompatFolder, TorchSharpNative.BridgeFile);
            loaded.Should().Be(expected, "scripts/setup.sh prepares .cache/torchsharp-compat/ and the build copies it; run set-up, then rebuild");
            ElfVersionReader.ReadFile(loaded!).Needs.Single(n => n.Name == LibStdCxxCompat.PatchableVersion).IsWeak.Should().BeTrue();
        }
        else
        {
            loaded.Should().BeNull("a libstdc++ with GLIBCXX_3.4.32 needs no copy");
        }

        using var scope = torch.NewDisposeScope();
        torch.ones(2).sum().item<float>().Should().Be(2f);
        if (loaded is not null)
        {
            // TorchSharp's own load of "LibTorchSharp" must have found the copy: the original is not mapped.
            File.ReadAllText("/proc/self/maps").Should().Contain(loaded)
                .And.NotContain(FakeElf.ShippedBridge);
        }
    }

    [Fact]
    public void The_tool_prepares_the_bridge_of_the_TorchSharp_the_build_ships()
    {
        // The tool names TorchSharp's version on its own (TorchSharpCompat.csproj); a bump in the trainer alone
        // would leave it patching the old bridge.
        File.ReadAllBytes(SystemPaths.DefaultBridge()).Should().Equal(File.ReadAllBytes(FakeElf.ShippedBridge),
            "TorchSharpCompat.csproj's TorchSharpVersion ({0}) must match the trainer's TorchSharp-cpu", SystemPaths.TorchSharpVersion);
    }
}
