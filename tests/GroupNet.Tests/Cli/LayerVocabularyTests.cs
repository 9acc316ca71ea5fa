using System.Text.Json;
using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Tests.Reliability;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Cli;

/// <summary>
/// One vocabulary for layer names (<see cref="LayerNames"/>): an exported model's layers are called what the
/// random models' layers are called (stem, g0_b0, g0_sum, head), and `groupnet inspect`, the per-layer statistics
/// that reports use and the generated C's layer functions all print the same strings.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LayerVocabularyTests : IDisposable
{
    private readonly string _dir = TempDirectory("gn-layer-names");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DeploymentModel Exported(StructureKind structure, int k)
    {
        var config = Config(k, 2) with { Structure = structure };
        using var model = ModelFactory.Create(config, new TrainingContext(seed: 5, threads: 1));
        var images = Textures(8, seed: 5);
        return new GroupNetExporter().Export(model, "names", "layer names", images.ImageBytes(0, images.Count));
    }

    [Fact]
    public void An_exported_v1_model_names_its_layers_as_the_random_models_do()
    {
        var exported = Exported(StructureKind.V1, 2);
        exported.Layers.Select(l => l.Name).Should().Equal(
            "stem", "g0_b0", "g0_b1", "g0_sum", "g1_b0", "g1_b1", "g1_sum", "g2_b0", "g2_b1", "g2_sum");
        exported.Head.Name.Should().Be(LayerNames.Head);

        var random = new RandomModelBuilder { Branches = 2 }.Build();
        random.Layers.Select(l => l.Name).Should().Equal(exported.Layers.Select(l => l.Name), "one vocabulary for trained and random models");
        random.Head.Name.Should().Be(exported.Head.Name);
    }

    [Theory]
    [InlineData(StructureKind.Baseline, 1)]
    [InlineData(StructureKind.Layerwise, 2)]
    [InlineData(StructureKind.V2, 2)]
    [InlineData(StructureKind.V3, 2)]
    public void Every_structure_exports_unique_names_that_are_already_C_identifiers(StructureKind structure, int k)
    {
        var names = Exported(structure, k).Layers.Select(l => l.Name).ToList();
        names.Should().OnlyHaveUniqueItems();
        names.Should().AllSatisfy(n => LayerNames.Display(n).Should().Be(n, "a name is shown and used in C as it is"));
        names.Should().Contain(n => n.EndsWith("_sum", StringComparison.Ordinal));
    }

    [Fact]
    public void Inspect_the_statistics_and_the_generated_C_say_the_same_names()
    {
        var model = Exported(StructureKind.V1, 2);
        string file = Path.Combine(_dir, "names.gndm");
        ModelFile.Save(model, file);
        var expected = model.Layers.Select(l => l.Name).Append(LayerNames.Head).ToArray();

        var run = InProcessCli.Run(_dir, "inspect", file, "--json");
        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()).Should().Equal(expected);

        LayerStatistics.Of(model).Select(r => r.Name).Should().Equal(expected);

        string code = string.Concat(new ModelEmitter().Generate(model, EmitOptions.Default).Select(f => f.Content));
        for (int i = 0; i < model.Layers.Length; i++)
        {
            code.Should().Contain($"gn_layer{i}_{model.Layers[i].Name}(", "the C function of a layer carries its name");
        }
    }

    [Fact]
    public void A_model_file_with_dotted_names_is_shown_with_the_names_its_C_uses()
    {
        LayerNames.Display("g1.q0").Should().Be("g1_q0");
        LayerNames.Display("g0.b1.h").Should().Be("g0_b1_h");
    }
}
