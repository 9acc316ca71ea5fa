using FluentAssertions;
using GroupNet.Tests.Codegen;
using GroupNet.Tools.TorchSharpCompat;

namespace GroupNet.Tests.Native;

/// <summary>
/// The mechanism end to end on small gcc-built objects: a "bridge" built against a libstdc++ stand-in that
/// defines GLIBCXX_3.4.32, loaded with RTLD_NOW against one that does not. Like TorchSharp's, the first bridge
/// only references its 3.4.32 symbol (GCC 13's <c>&lt;iostream&gt;</c> does it with <c>.globl</c>); the second calls it.
/// </summary>
public sealed class WeakVersionNeedTests : IDisposable
{
    private readonly string _dir = CCompiler.TempDir("native-weak");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string OnlyReferences = """
        __asm__(".globl gn_new");
        extern int gn_old(void);
        int bridge_call(void) { return gn_old(); }
        """;

    private const string Calls = """
        extern int gn_old(void);
        extern int gn_new(void);
        int bridge_call(void) { return gn_old() + gn_new(); }
        """;

    private (string NewLib, string OldDir, string OldLib) Libraries()
    {
        var newLib = FakeElf.LibStdCxx(Path.Combine(_dir, "new"), ["GLIBCXX_3.4.30", "GLIBCXX_3.4.32"],
            new Dictionary<string, string[]> { ["GLIBCXX_3.4.30"] = ["gn_old"], ["GLIBCXX_3.4.32"] = ["gn_new"] });
        var oldDir = Path.Combine(_dir, "old");
        var oldLib = FakeElf.LibStdCxx(oldDir, ["GLIBCXX_3.4.30"], new Dictionary<string, string[]> { ["GLIBCXX_3.4.30"] = ["gn_old"] });
        return (newLib, oldDir, oldLib);
    }

    /// <summary>Output of the dlopen probe for <paramref name="library"/>, with <paramref name="libraryPath"/>
    /// first on the loader's search path.</summary>
    private string Dlopen(string library, string libraryPath)
    {
        var probe = FakeElf.DlopenProbe(Path.Combine(_dir, "probe"));
        var psi = new System.Diagnostics.ProcessStartInfo(probe, [library])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["LD_LIBRARY_PATH"] = libraryPath;
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit(30_000).Should().BeTrue();
        return output.Trim();
    }

    [Fact]
    public void The_weak_copy_of_a_bridge_that_only_references_the_symbol_loads_where_the_original_does_not()
    {
        var (newLib, oldDir, oldLib) = Libraries();
        var bridge = FakeElf.Bridge(_dir, "libbridge.so", OnlyReferences, newLib);
        var outDir = Path.Combine(_dir, "out");

        var result = LibStdCxxCompat.Prepare(bridge, oldLib, outDir);

        result.Outcome.Should().Be(PrepareOutcome.Written);
        result.Patched.Select(n => n.Name).Should().Equal(LibStdCxxCompat.PatchableVersion);
        Dlopen(bridge, oldDir).Should().Contain("version `GLIBCXX_3.4.32' not found");
        Dlopen(result.OutputPath, oldDir).Should().Be("loaded");
    }

    [Fact]
    public void A_bridge_that_calls_a_GLIBCXX_3_4_32_symbol_is_refused()
    {
        var (newLib, _, oldLib) = Libraries();
        var bridge = FakeElf.Bridge(_dir, "libbridge.so", Calls, newLib);
        var outDir = Path.Combine(_dir, "out");

        var refusal = FluentActions.Invoking(() => LibStdCxxCompat.Prepare(bridge, oldLib, outDir))
            .Should().Throw<CompatException>().Which;

        refusal.ExitCode.Should().Be(CompatException.Refused);
        refusal.Message.Should().Contain("gn_new").And.Contain("relocations refer to it");
        Directory.Exists(outDir).Should().BeFalse();
    }
}
