using FluentAssertions;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class RunConfigYamlTests
{
    private const string Run = """
        name: v1-k5
        dataset: mnist
        trainCount: 1000
        seed: 3
        batch: 64
        model: { network: small, structure: v2, bases: 5, weightBits: 1, activationBits: 4, firstLast: int8 }
        recipe: { epochs: 7, lr: 0.01, schedule: step, stepEpochs: 2, parent: runs/fp.ckpt, quantizationLoss: 0.0001, optimizer: adamw, maxGradNorm: 5, distill: 0.5, distillTemperature: 2 }
        augmentation: { shift: 2, flip: true }
        """;

    [Fact]
    public void A_run_parses_and_round_trips()
    {
        var config = RunConfigYaml.Parse(Run, "run.yaml");
        config.Model.Should().Be(new ModelConfig(NetworkKind.Small, StructureKind.V2, 5, 1, 4, LayerPrecision.Int8));
        config.Dataset.Should().Be(DatasetKind.Mnist);
        config.Recipe.Should().Be(new RecipeConfig(7, 0.01f, LrScheduleKind.Step, 2, Parent: "runs/fp.ckpt", QuantizationLoss: 0.0001f,
            Optimizer: OptimizerKind.AdamW, MaxGradNorm: 5f, Distill: 0.5f, DistillTemperature: 2f));
        RunConfigYaml.Parse("name: a", "defaults.yaml").Recipe.Should().Match<RecipeConfig>(r => r.Optimizer == OptimizerKind.Sgd && r.MaxGradNorm == 0f
            && r.Distill == 0f && r.DistillTemperature == 1f);
        config.Augmentation.Should().Be(new AugmentationConfig(2, true));
        (config.TrainCount, config.TestCount, config.Seed, config.Batch).Should().Be((1000, 0, 3, 64));
        RunConfigYaml.Parse(RunConfigYaml.ToYaml(config), "again").Should().Be(config);
    }

    [Theory]
    [InlineData("model: { structure: v7 }", "model.structure", "unknown value 'v7'")]
    [InlineData("model: { activationBits: 3 }", "model.activationBits", "3 is not supported")]
    [InlineData("model: { bases: 0 }", "model.bases", "must be >= 1")]
    [InlineData("model: { structure: baseline, bases: 3 }", "model.bases", "exactly one base")]
    [InlineData("model: { weightBits: 2 }", "model.weightBits", "not supported")]
    [InlineData("dataset: cifar", "dataset", "unknown value 'cifar'")]
    [InlineData("recipe: { lr: 0 }", "recipe.lr", "> 0")]
    [InlineData("recipe: { schedule: linear }", "recipe.schedule", "cosine, step")]
    [InlineData("recipe: { optimizer: rmsprop }", "recipe.optimizer", "sgd, adam, adamw")]
    [InlineData("recipe: { maxGradNorm: -1 }", "recipe.maxGradNorm", ">= 0")]
    [InlineData("recipe: { optimizer: sgd, momentum: 0 }", "recipe.momentum", "Nesterov")]
    [InlineData("recipe: { distill: 1.5 }", "recipe.distill", "[0, 1]")]
    [InlineData("recipe: { distillTemperature: 0 }", "recipe.distillTemperature", "> 0")]
    public void Bad_values_name_the_field(string yaml, string field, string message)
    {
        var act = () => RunConfigYaml.Parse(yaml, "bad.yaml");
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith($"bad.yaml: {field}: ").And.Contain(message);
    }

    [Fact]
    public void Unknown_keys_are_errors()
    {
        var act = () => RunConfigYaml.Parse("model: { bases: 2, colour: red }", "bad.yaml");
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith("bad.yaml: ").And.Contain("colour");
    }

    [Fact]
    public void A_grid_merges_base_under_runs_orders_parents_first_and_expands_axes()
    {
        var runs = AblationGrid.Parse("""
            base: { model: { bases: 5, activationBits: 2 }, recipe: { epochs: 3 } }
            runs:
              - { name: a1, model: { activationBits: 1 }, recipe: { parent: fp } }
              - { name: fp, model: { structure: baseline, bases: 1, weightBits: 32, activationBits: 32 } }
            axes:
              model.bases: [1, 3]
              model.activationBits: [2, 4]
            """, "grid.yaml");
        runs.Select(r => r.Name).Should().Equal("fp", "a1", "bases1-activationBits2", "bases1-activationBits4", "bases3-activationBits2", "bases3-activationBits4");
        runs[1].Model.Should().Be(new ModelConfig(Bases: 5, ActivationBits: 1));
        runs[1].Recipe.Epochs.Should().Be(3);
        runs[5].Model.Should().Be(new ModelConfig(Bases: 3, ActivationBits: 4));
    }

    [Fact]
    public void Grid_errors_name_the_run()
    {
        var act = () => AblationGrid.Parse("runs:\n  - { name: a }\n  - { name: b, model: { activationBits: 3 } }\n", "grid.yaml");
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith("grid.yaml: runs[1].model.activationBits: ");
        var twice = () => AblationGrid.Parse("runs:\n  - { name: a }\n  - { name: a }\n", "grid.yaml");
        twice.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("used twice");
    }

    [Fact]
    public void The_shipped_grids_parse()
    {
        var fashion = AblationGrid.Load(Path.Combine(AblationTests.RepositoryRoot(), "configs", "ablation-fashion.yaml"));
        fashion.Select(r => r.Name).Should().Contain(["fp", "v1-k1-w1a2", "v1-k3-w1a2", "v1-k5-w1a2", "v1-k5-w1a1", "v1-k5-w1a4", "layerwise-k5-w1a2", "v3-k5-w1a2"]);
        fashion.Single(r => r.Name == "v1-k5-w1a1").Recipe.Parent.Should().Be("fp");
        fashion[0].Model.IsFullPrecision.Should().BeTrue();
    }
}
