using FluentAssertions;
using GroupNet.Tests.Codegen;
using GroupNet.Tools.TorchSharpCompat;

namespace GroupNet.Tests.Native;

/// <summary>Bad inputs give one <c>error:</c> line and exit code 1, never a stack trace, and write nothing.</summary>
public sealed class CompatCommandTests : IDisposable
{
    private readonly string _dir = CCompiler.TempDir("native-command");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "out");

    private (int Code, string StdOut, string StdErr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CompatCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void ShouldBeOneErrorLine(string stderr, string expected)
    {
        stderr.Should().StartWith("torchsharp-compat: error: ").And.Contain(expected).And.NotContain(" at ", "no stack trace");
        stderr.TrimEnd('\n').Should().NotContain("\n");
    }

    [Fact]
    public void A_non_elf_bridge_is_a_clear_error()
    {
        var text = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllText(text, "this is not a shared object, only some text long enough to pass a size check\n");

        var (code, stdout, stderr) = Run("prepare", "--out", Out, "--bridge", text, "--libstdcxx", SystemPaths.DefaultLibStdCxx());

        code.Should().Be(CompatException.InputError);
        ShouldBeOneErrorLine(stderr, $"{text}: not an ELF file");
        stdout.Should().BeEmpty();
        Directory.Exists(Out).Should().BeFalse();
    }

    [Fact]
    public void A_non_elf_libstdcxx_is_a_clear_error()
    {
        var text = Path.Combine(_dir, "libstdc++.so.6");
        File.WriteAllBytes(text, new byte[4096]);

        var (code, _, stderr) = Run("prepare", "--out", Out, "--bridge", FakeElf.ShippedBridge, "--libstdcxx", text);

        code.Should().Be(CompatException.InputError);
        ShouldBeOneErrorLine(stderr, $"{text}: not an ELF file");
    }

    [Fact]
    public void A_truncated_elf_file_is_a_clear_error()
    {
        var truncated = Path.Combine(_dir, "truncated.so");
        File.WriteAllBytes(truncated, File.ReadAllBytes(FakeElf.ShippedBridge)[..4096]);

        var (code, _, stderr) = Run("prepare", "--out", Out, "--bridge", truncated, "--libstdcxx", SystemPaths.DefaultLibStdCxx());

        code.Should().Be(CompatException.InputError);
        ShouldBeOneErrorLine(stderr, $"{truncated}: malformed ELF file");
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var missing = Path.Combine(_dir, "nowhere", "libLibTorchSharp.so");

        var (code, _, stderr) = Run("prepare", "--out", Out, "--bridge", missing, "--libstdcxx", SystemPaths.DefaultLibStdCxx());

        code.Should().Be(CompatException.InputError);
        ShouldBeOneErrorLine(stderr, $"{missing}: no such file");
    }

    [Theory]
    [InlineData(new string[0], "no command")]
    [InlineData(new[] { "patch", "--out", "x" }, "unknown command 'patch'")]
    [InlineData(new[] { "prepare" }, "--out DIR is required")]
    [InlineData(new[] { "prepare", "--out" }, "--out needs a value")]
    [InlineData(new[] { "prepare", "--out", "x", "--force", "y" }, "unknown option '--force'")]
    public void Bad_arguments_print_the_usage(string[] args, string expected)
    {
        var (code, _, stderr) = Run(args);

        code.Should().Be(CompatException.InputError);
        ShouldBeOneErrorLine(stderr, expected);
        stderr.Should().Contain(CompatCommand.Usage);
    }
}
