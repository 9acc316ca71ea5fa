using FluentAssertions;
using GroupNet.Cli.Commands;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Training;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class AblationTests
{
    /// <summary>The repository root (the folder holding Embedded.sln and configs/).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Embedded.sln")) && Directory.Exists(Path.Combine(dir.FullName, "configs")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Synthetic 28x28 textures in place of the data set, cut like the real one.</summary>
    private static TrainTestSplit Data(RunConfig run) =>
        ExperimentData.Cut(new TrainTestSplit(TrainerTestData.Textures(600, 1, 28), TrainerTestData.Textures(200, 2, 28)), run);

    [Fact]
    public void Ablate_on_the_smoke_grid_writes_the_table_and_resumes()
    {
        var runs = AblationGrid.Load(Path.Combine(RepositoryRoot(), "configs", "ablation-smoke.yaml"));
        var dir = TrainerTestData.TempDirectory("ablate");
        try
        {
            var log = new StringWriter();
            var results = new AblationRunner(new ExperimentRunner(1, log), Data, log).Run(runs, dir, "smoke", 2);
            results.Select(r => r.Name).Should().Equal(runs.Select(r => r.Name));
            log.ToString().Should().Contain("[v1-k2-w1a1] initialised from");

            var md = File.ReadAllLines(Path.Combine(dir, "ablation.md"));
            var rows = md.Where(l => l.StartsWith("| ") && !l.StartsWith("| run")).ToList();
            rows.Select(l => l.Split('|')[1].Trim()).Should().Equal(runs.Select(r => r.Name));
            rows[0].Should().Contain("| Full-precision | 1 | 32/32 |").And.Contain("| - |");
            rows.Single(l => l.StartsWith("| v1-k2-w1a1 ")).Should().Contain("| Group-Net v1 | 2 | 1/1 |");
            rows.Single(l => l.StartsWith("| layerwise-k2-w1a2 ")).Should().Contain("| Layerwise | 2 | 1/2 |");
            md.Should().Contain(l => l.StartsWith("Budget: 1 epoch(s) per run on 200 training images"));
            var csv = File.ReadAllLines(Path.Combine(dir, "ablation.csv"));
            csv.Should().HaveCount(runs.Count + 1);
            csv[0].Should().StartWith("run,network,structure,k,weight_bits,activation_bits");

            var ckpt = AblationRunner.CheckpointOf(dir, "v2-k2-w1a4");
            foreach (var suffix in new[] { ".config.yaml", ".metrics.csv", ".metrics.json", ".curves.svg", ".curves.png", ".result.json" })
            {
                File.Exists(MetricsFiles.Companion(ckpt, suffix)).Should().BeTrue(suffix);
            }
            // The finished run's curves: both series, and the final accuracy of its result marked.
            var curves = System.Xml.Linq.XDocument.Load(MetricsFiles.Companion(ckpt, ".curves.svg"));
            curves.Root!.Name.LocalName.Should().Be("svg");
            string curvesText = string.Concat(curves.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + "\n"));
            curvesText.Should().Contain(LearningCurveChart.TrainLegend).And.Contain(LearningCurveChart.TestLegend).And.Contain("final test top-1");
            using (var png = SkiaSharp.SKBitmap.Decode(MetricsFiles.Companion(ckpt, ".curves.png")))
            {
                png.Should().NotBeNull();
            }
            File.ReadAllLines(MetricsFiles.Companion(ckpt, ".metrics.csv")).Should().HaveCount(2);
            RunConfigYaml.Load(MetricsFiles.Companion(ckpt, ".config.yaml")).Should().Be(runs.Single(r => r.Name == "v2-k2-w1a4"));

            var again = new StringWriter();
            var second = new AblationRunner(new ExperimentRunner(1, again), Data, again).Run(runs, dir, "smoke", 2);
            again.ToString().Should().NotContain("epoch 1/1");
            second.Should().Equal(results);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Checkpoint_metadata_of_every_structure_and_of_flag_based_training_gives_the_model_configuration()
    {
        var config = new GroupNet.Trainer.Models.ModelConfig(GroupNet.Trainer.Models.NetworkKind.Small, GroupNet.Trainer.Models.StructureKind.V1, 2);
        var data = new CheckpointData(1, ModelCheckpoint.Metadata(config), new Dictionary<string, TorchSharp.torch.Tensor>(), null, null);
        ModelCheckpoint.ModelConfigOf(data, "x.ckpt").Should().Be(config);
        foreach (var structure in Enum.GetValues<GroupNet.Trainer.Models.StructureKind>())
        {
            var other = config with { Structure = structure, Bases = structure == GroupNet.Trainer.Models.StructureKind.Baseline ? 1 : 3, ActivationBits = 1 };
            ModelCheckpoint.ModelConfigOf(data with { Metadata = ModelCheckpoint.Metadata(other) }, "x.ckpt").Should().Be(other);
        }
        var invalid = data with { Metadata = ModelCheckpoint.Metadata(config with { Bases = 0 }) };
        FluentActions.Invoking(() => ModelCheckpoint.ModelConfigOf(invalid, "bad.ckpt")).Should().Throw<InvalidDataException>().WithMessage("bad.ckpt*");
        FluentActions.Invoking(() => ModelCheckpoint.ModelConfigOf(data with { Metadata = "{not json" }, "bad.ckpt")).Should().Throw<InvalidDataException>().WithMessage("bad.ckpt*");
    }
}
