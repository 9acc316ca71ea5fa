using FluentAssertions;
using GroupNet.Tests.Codegen;
using GroupNet.Tools.TorchSharpCompat;

namespace GroupNet.Tests.Native;

/// <summary>The reader against facts <c>readelf -V</c> and <c>readelf --dyn-syms</c> print for TorchSharp
/// 0.107.0's linux-x64 bridge, and against the system libstdc++.</summary>
public sealed class ElfVersionReaderTests : IDisposable
{
    private readonly string _dir = CCompiler.TempDir("native-reader");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_the_shipped_bridge_as_readelf_does()
    {
        var bridge = ElfVersionReader.ReadFile(FakeElf.ShippedBridge);

        // readelf -V: five Verneed records (ld-linux 1, libm 1, libgcc_s 1, libc 5, libstdc++ 20 entries).
        bridge.Needs.Should().HaveCount(28);
        bridge.Needs.Where(n => n.File == "libstdc++.so.6").Should().HaveCount(20);
        bridge.Needs.Should().OnlyContain(n => n.Flags == 0, "TorchSharp ships no weak needs");
        bridge.SoName.Should().Be("libLibTorchSharp.so");
        bridge.Definitions.Should().BeEmpty();

        // .gnu.version_r at 0x3f8f0; the GLIBCXX_3.4.32 Vernaux at +0x140, its vna_flags 4 bytes in.
        var need = bridge.Needs.Single(n => n.Name == LibStdCxxCompat.PatchableVersion);
        need.Should().Be(new VersionNeed("libstdc++.so.6", "GLIBCXX_3.4.32", need.Hash, 0, 18, 0x3f8f0 + 0x140 + 4));

        // readelf --dyn-syms: only dynamic symbol 482 is bound to version 18, and readelf -r names it nowhere.
        bridge.Imports.Where(s => s.VersionIndex == 18).Should().Equal(new SymbolImport("_ZSt21ios_base_library_initv", 18, false));
        bridge.Imports.Should().Contain(s => s.IsRelocated, "the bridge does call into libstdc++ through other symbols");
    }

    [Fact]
    public void Reads_the_version_definitions_of_the_system_libstdcxx()
    {
        var system = ElfVersionReader.ReadFile(SystemPaths.DefaultLibStdCxx());

        system.SoName.Should().Be("libstdc++.so.6");
        system.Definitions.Should().Contain(["GLIBCXX_3.4", "GLIBCXX_3.4.30", "CXXABI_1.3"]);
        system.Definitions.Should().NotContain("libstdc++.so.6", "the base entry names the file, not a version");
    }

    [Fact]
    public void Reads_a_version_script_back()
    {
        var lib = FakeElf.LibStdCxx(_dir, ["GLIBCXX_3.4.30", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32"],
            new Dictionary<string, string[]> { ["GLIBCXX_3.4.32"] = ["gn_new"] });
        var bridge = FakeElf.Bridge(_dir, "bridge.so", "extern int gn_new(void);\nint bridge_call(void) { return gn_new(); }\n", lib);

        ElfVersionReader.ReadFile(lib).Definitions.Should().Equal("GLIBCXX_3.4.30", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32");
        var read = ElfVersionReader.ReadFile(bridge);
        read.Needs.Where(n => n.File == "libstdc++.so.6").Select(n => n.Name).Should().Equal("GLIBCXX_3.4.32");
        var need = read.Needs.Single(n => n.File == "libstdc++.so.6");
        read.Imports.Should().ContainSingle(s => s.Name == "gn_new")
            .Which.Should().Be(new SymbolImport("gn_new", need.Index, true));
    }
}
