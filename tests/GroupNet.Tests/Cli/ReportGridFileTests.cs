using FluentAssertions;
using GroupNet.Cli;
using GroupNet.Cli.Reports;

namespace GroupNet.Tests.Cli;

/// <summary>`groupnet report --grid FILE`: the YAML keys, paths relative to the file, and the errors a user sees.</summary>
public sealed class ReportGridFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gn-grid-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Reads_every_key_and_resolves_paths_against_the_file()
    {
        string path = Write("""
            models: [runs/a.gndm, "random:k=3,bits=4,seed=2", /abs/b.gndm]
            cores: [M0, mps2-an500]
            opt: O2, Os
            dataset: fashion-mnist
            data: data/fashion
            test_count: 500
            images: 3
            flash_wait_states: 2
            """);

        var grid = ReportGridFile.Load(path);

        grid.Models.Should().Equal(Path.Combine(folder, "runs/a.gndm"), "random:k=3,bits=4,seed=2", "/abs/b.gndm");
        grid.Cores.Should().Be("M0,mps2-an500");
        grid.Opt.Should().Be("O2,Os");
        grid.Dataset.Should().Be("fashion-mnist");
        grid.Data.Should().Be(Path.Combine(folder, "data/fashion"));
        grid.TestCount.Should().Be(500);
        grid.Images.Should().Be(3);
        grid.FlashWaitStates.Should().Be(2);
    }

    [Fact]
    public void Keys_left_out_stay_unset_so_the_command_line_defaults_apply()
    {
        var grid = ReportGridFile.Load(Write("models: [\"random:k=1,bits=2,seed=1\"]\n"));

        grid.Models.Should().ContainSingle();
        grid.Cores.Should().BeNull();
        grid.Opt.Should().BeNull();
        grid.Dataset.Should().BeNull();
        grid.Data.Should().BeNull();
        grid.TestCount.Should().BeNull();
        grid.Images.Should().BeNull();
        grid.FlashWaitStates.Should().BeNull();
    }

    [Theory]
    [InlineData("model: [a.gndm]\n", "unknown key 'model'")]
    [InlineData("images: three\n", "images: expected an integer")]
    [InlineData("dataset: [mnist]\n", "dataset: expected a single value")]
    [InlineData("- a.gndm\n", "a report grid is a mapping")]
    [InlineData("models: [a.gndm\n", "line ")]
    public void Rejects_a_malformed_grid_with_a_message_naming_the_problem(string yaml, string expected)
    {
        string path = Write(yaml);

        var load = () => ReportGridFile.Load(path);

        load.Should().Throw<UserInputException>().Which.Message.Should().StartWith(path).And.Contain(expected);
    }

    [Fact]
    public void A_missing_file_is_a_user_error()
    {
        var load = () => ReportGridFile.Load(Path.Combine(folder, "none.yaml"));

        load.Should().Throw<UserInputException>().WithMessage("*grid file not found");
    }

    private string Write(string yaml)
    {
        string path = Path.Combine(folder, "grid.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
