using FluentAssertions;
using GroupNet.Cli;
using GroupNet.Cli.Commands;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// `generate` and `export` build their output under a temporary name and rename it into place, so a failure
/// at any step leaves the previous output byte-identical and no temporary files behind. The failures are
/// forced: a writer that throws half-way, and the temporary or set-aside path of this very process blocked.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class AtomicOutputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gn-atomic-" + Guid.NewGuid().ToString("N"));

    public AtomicOutputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every file under <paramref name="folder"/>, by relative path, with its bytes.</summary>
    private static SortedDictionary<string, string> Snapshot(string folder) => new(
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(File.ReadAllBytes(f))),
        StringComparer.Ordinal);

    private string[] Leftovers() => Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName)
        .Where(n => n!.Contains(".tmp-", StringComparison.Ordinal) || n.Contains(".old-", StringComparison.Ordinal)).ToArray()!;

    private string WriteModel(string name, int seed)
    {
        string path = Path.Combine(_dir, name);
        ModelFile.Save(new RandomModelBuilder { Seed = seed, Branches = 1, Channels = [4, 8, 8], ImageSize = 8 }.Build(), path);
        return path;
    }

    [Fact]
    public void A_generate_that_fails_leaves_the_previous_folder_byte_identical()
    {
        string first = WriteModel("first.gndm", 1);
        string second = WriteModel("second.gndm", 2);
        string output = Path.Combine(_dir, "generated");
        InProcessCli.Run(_dir, "generate", first, "--out", output).ExitCode.Should().Be(0);
        var before = Snapshot(output);
        before.Should().NotBeEmpty();

        // 1. The writer fails half-way (after writing files, as a full disk would).
        FluentActions.Invoking(() => AtomicFolder.Write<int>(output, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "gn_model.c"), "/* half */");
            throw new IOException("disk full");
        })).Should().Throw<IOException>();
        Snapshot(output).Should().Equal(before, "a writer failing half-way leaves the previous output");

        // 2. The real command with a second model fails at the swap: the set-aside name of this process is taken.
        string setAside = Path.Combine(_dir, $".generated.old-{Environment.ProcessId}");
        File.WriteAllText(setAside, "blocks the swap");
        var run = InProcessCli.Run(_dir, "generate", second, "--out", output);
        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("groupnet: error: ");
        File.Delete(setAside);
        Snapshot(output).Should().Equal(before, "a failed swap leaves the previous output");

        // 3. Bad input: the command stops before writing.
        InProcessCli.Run(_dir, "generate", second, "--out", output, "--board", "no-such-board").ExitCode.Should().Be(2);
        Snapshot(output).Should().Equal(before);
        Leftovers().Should().BeEmpty("failures leave no temporary folders");

        // And the same command without the obstacle replaces the output (so the failures above were real).
        InProcessCli.Run(_dir, "generate", second, "--out", output).ExitCode.Should().Be(0);
        Snapshot(output).Should().NotEqual(before);
        Leftovers().Should().BeEmpty();
    }

    [Fact]
    public void An_export_that_fails_leaves_the_previous_model_file_byte_identical()
    {
        string data = SyntheticMnistFolder.Write(Path.Combine(_dir, "data"), 64, 16, seed: 3);
        string checkpoint = Path.Combine(_dir, "model.ckpt");
        var config = new ModelConfig(Bases: 2, ActivationBits: 2);
        using (var model = ModelFactory.Create(config, new TrainingContext(seed: 4, threads: 1)))
        {
            Checkpoint.Save(checkpoint, model, null, 1, ModelCheckpoint.Metadata(config));
        }
        string output = Path.Combine(_dir, "model.gndm");
        var ok = InProcessCli.Run(_dir, "export", checkpoint, "--data", data, "--calibration", "32", "--out", output);
        ok.ExitCode.Should().Be(0, ok.ToString());
        var before = File.ReadAllBytes(output);

        // The real command, with another name (different bytes), fails writing: its temporary path is a folder.
        string temp = output + $".tmp-{Environment.ProcessId}";
        Directory.CreateDirectory(temp);
        var run = InProcessCli.Run(_dir, "export", checkpoint, "--data", data, "--calibration", "32", "--name", "other", "--out", output);
        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("groupnet: error: ");
        File.ReadAllBytes(output).Should().Equal(before, "a failed write leaves the previous model file");
        Directory.Delete(temp);

        // A corrupt checkpoint: stops before writing.
        File.WriteAllBytes(checkpoint, [.. "GNCKPT01"u8, 1, 2, 3]);
        InProcessCli.Run(_dir, "export", checkpoint, "--data", data, "--out", output).ExitCode.Should().Be(2);
        File.ReadAllBytes(output).Should().Equal(before);
        Leftovers().Should().BeEmpty("failures leave no temporary files");

        // The model file itself, written directly, behaves the same.
        Directory.CreateDirectory(temp);
        FluentActions.Invoking(() => ModelFile.Save(new RandomModelBuilder { Seed = 9, ImageSize = 8, Channels = [4, 8, 8] }.Build(), output))
            .Should().Throw<Exception>().Where(e => e is IOException || e is UnauthorizedAccessException);
        File.ReadAllBytes(output).Should().Equal(before);
        Directory.Delete(temp);
    }
}
