using FluentAssertions;
using GroupNet.Cli;
using GroupNet.Cli.Commands;

namespace GroupNet.Tests.Cli;

/// <summary>`groupnet report --opt`: GCC levels, optionally with :perchannel (the per-channel kernels everywhere).</summary>
public sealed class ReportLevelsTests
{
    [Fact]
    public void Levels_and_compact_configurations_parse_to_their_compiler_flags()
    {
        ReportCommand.ParseLevels("O2, -Os,O2:perchannel,O2").Should().Equal("-O2", "-Os", "-O2:perchannel");
        ReportCommand.CompilerFlags("-Os").Should().Be("-Os");
        ReportCommand.CompilerFlags("-Os:perchannel").Should().Be("-Os -DGN_HAVE_VCOUNT=0");
    }

    [Theory]
    [InlineData("O9")]
    [InlineData("O2:small")]
    [InlineData(":perchannel")]
    [InlineData(",")]
    public void Anything_else_is_a_clear_error(string text)
    {
        var act = () => ReportCommand.ParseLevels(text);
        act.Should().Throw<UserInputException>().WithMessage("--opt: *");
    }
}
