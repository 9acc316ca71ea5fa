using System.Buffers.Binary;
using FluentAssertions;
using GroupNet.Tests.Codegen;
using GroupNet.Tools.TorchSharpCompat;

namespace GroupNet.Tests.Native;

/// <summary>
/// <see cref="LibStdCxxCompat.Prepare"/> on TorchSharp's real bridge: against the system libstdc++ (Debian 12's
/// lacks GLIBCXX_3.4.32), and against gcc-built libstdc++ stand-ins that define chosen versions.
/// </summary>
public sealed class LibStdCxxCompatTests : IDisposable
{
    private readonly string _dir = CCompiler.TempDir("native-compat");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "out");

    private string CopyPath => Path.Combine(Out, LibStdCxxCompat.BridgeFile);

    /// <summary>The libstdc++ versions the bridge needs, in its order.</summary>
    private static List<string> BridgeNeeds() =>
        ElfVersionReader.ReadFile(FakeElf.ShippedBridge).Needs.Where(n => n.File == "libstdc++.so.6").Select(n => n.Name).ToList();

    [Fact]
    public void With_the_system_libstdcxx_the_copy_differs_in_exactly_the_flags_of_the_missing_need()
    {
        var libStdCxx = SystemPaths.DefaultLibStdCxx();
        if (ElfVersionReader.ReadFile(libStdCxx).Definitions.Contains(LibStdCxxCompat.PatchableVersion))
        {
            // A newer distribution: the same call must leave nothing behind.
            LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, libStdCxx, Out).Outcome.Should().Be(PrepareOutcome.NotNeeded);
            File.Exists(CopyPath).Should().BeFalse();
            return;
        }

        var result = LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, libStdCxx, Out);

        result.Outcome.Should().Be(PrepareOutcome.Written);
        result.OutputPath.Should().Be(CopyPath);
        var source = ElfVersionReader.ReadFile(FakeElf.ShippedBridge);
        var need = source.Needs.Single(n => n.Name == LibStdCxxCompat.PatchableVersion);
        result.Patched.Should().Equal(need);
        AssertOnlyTheFlagsDiffer(File.ReadAllBytes(FakeElf.ShippedBridge), File.ReadAllBytes(CopyPath), need);

        var copy = ElfVersionReader.ReadFile(CopyPath);
        copy.Needs.Should().HaveCount(source.Needs.Count);
        for (var i = 0; i < source.Needs.Count; i++)
        {
            var expected = source.Needs[i] == need ? need with { Flags = (ushort)(need.Flags | VersionNeed.WeakFlag) } : source.Needs[i];
            copy.Needs[i].Should().Be(expected, "need {0} ({1})", i, source.Needs[i].Name);
        }
        copy.Needs.Single(n => n.Name == LibStdCxxCompat.PatchableVersion).IsWeak.Should().BeTrue();
        copy.Imports.Should().Equal(source.Imports);
    }

    [Fact]
    public void A_second_run_finds_the_copy_up_to_date_and_a_damaged_copy_is_rewritten()
    {
        var lib = FakeElf.LibStdCxx(Path.Combine(_dir, "old"), BridgeNeeds().Where(v => v != LibStdCxxCompat.PatchableVersion));
        LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, lib, Out).Outcome.Should().Be(PrepareOutcome.Written);
        var written = File.ReadAllBytes(CopyPath);
        var stamp = File.GetLastWriteTimeUtc(CopyPath);

        LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, lib, Out).Outcome.Should().Be(PrepareOutcome.UpToDate);
        File.GetLastWriteTimeUtc(CopyPath).Should().Be(stamp);

        File.WriteAllBytes(CopyPath, written[..1000]);
        LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, lib, Out).Outcome.Should().Be(PrepareOutcome.Written);
        File.ReadAllBytes(CopyPath).Should().Equal(written);
        Directory.EnumerateFiles(Out).Should().Equal([CopyPath], "no temporary file is left behind");
    }

    [Fact]
    public void A_libstdcxx_lacking_only_GLIBCXX_3_4_32_gets_exactly_that_need_marked_weak()
    {
        var needs = BridgeNeeds();
        var lib = FakeElf.LibStdCxx(Path.Combine(_dir, "old"), needs.Where(v => v != LibStdCxxCompat.PatchableVersion));

        var result = LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, lib, Out);

        result.Outcome.Should().Be(PrepareOutcome.Written);
        var need = ElfVersionReader.ReadFile(FakeElf.ShippedBridge).Needs.Single(n => n.Name == LibStdCxxCompat.PatchableVersion);
        result.Patched.Should().Equal(need);
        AssertOnlyTheFlagsDiffer(File.ReadAllBytes(FakeElf.ShippedBridge), File.ReadAllBytes(CopyPath), need);
    }

    [Fact]
    public void A_libstdcxx_defining_GLIBCXX_3_4_32_writes_nothing_and_removes_a_stale_copy()
    {
        var needs = BridgeNeeds();
        needs.Should().Contain(["GLIBCXX_3.4.30", LibStdCxxCompat.PatchableVersion]);
        var lib = FakeElf.LibStdCxx(Path.Combine(_dir, "new"), needs);
        Directory.CreateDirectory(Out);
        File.WriteAllText(CopyPath, "left by an earlier run on an older distribution");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CompatCommand.Run(["prepare", "--out", Out, "--bridge", FakeElf.ShippedBridge, "--libstdcxx", lib], stdout, stderr);

        code.Should().Be(0, stderr.ToString());
        File.Exists(CopyPath).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(Out).Should().BeEmpty();
        stdout.ToString().Should().StartWith("torchsharp-compat: nothing needed").And.Contain("removed the stale");
        stdout.ToString().TrimEnd('\n').Should().NotContain("\n", "it prints one line");
        stderr.ToString().Should().BeEmpty();

        var again = LibStdCxxCompat.Prepare(FakeElf.ShippedBridge, lib, Out);
        again.Outcome.Should().Be(PrepareOutcome.NotNeeded);
        again.RemovedStale.Should().BeFalse();
        again.Patched.Should().BeEmpty();
    }

    [Fact]
    public void A_libstdcxx_lacking_another_version_is_refused_with_exit_code_2()
    {
        var lib = FakeElf.LibStdCxx(Path.Combine(_dir, "older"),
            BridgeNeeds().Where(v => v is not LibStdCxxCompat.PatchableVersion and not "GLIBCXX_3.4.29"));

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CompatCommand.Run(["prepare", "--out", Out, "--bridge", FakeElf.ShippedBridge, "--libstdcxx", lib], stdout, stderr);

        code.Should().Be(CompatException.Refused);
        stderr.ToString().Should().StartWith("torchsharp-compat: error: ").And.Contain("GLIBCXX_3.4.29")
            .And.NotContain("GLIBCXX_3.4.32,", "3.4.32 alone could be patched; the message names what blocks it");
        stdout.ToString().Should().BeEmpty();
        File.Exists(CopyPath).Should().BeFalse();
    }

    /// <summary>Every differing byte lies in <paramref name="need"/>'s vna_flags, which gained exactly VER_FLG_WEAK.</summary>
    private static void AssertOnlyTheFlagsDiffer(byte[] source, byte[] copy, VersionNeed need)
    {
        copy.Should().HaveCount(source.Length);
        var differing = Enumerable.Range(0, source.Length).Where(i => source[i] != copy[i]).ToList();
        differing.Should().NotBeEmpty().And.OnlyContain(i => i >= need.FlagsOffset && i < need.FlagsOffset + 2,
            "only vna_flags at 0x{0:x} may change; first differences at {1}", need.FlagsOffset,
            string.Join(", ", differing.Take(8).Select(i => $"0x{i:x}")));
        var at = (int)need.FlagsOffset;
        BinaryPrimitives.ReadUInt16LittleEndian(source.AsSpan(at)).Should().Be(need.Flags);
        BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(at)).Should().Be((ushort)(need.Flags | VersionNeed.WeakFlag));
    }
}
