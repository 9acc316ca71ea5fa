using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>The same firmware in Renode (with the generated platform) as in QEMU: logits equal the
/// reference. Skipped, saying so, where Renode is not installed.</summary>
public class RenodeRunnerTests
{
    [RenodeFact]
    public void Firmware_in_Renode_gives_the_reference_logits_on_the_Cortex_M0_and_M4()
    {
        var model = new RandomModelBuilder { Seed = 77, Name = "renode", Branches = 1, ActivationBits = 2, Channels = [8, 16, 32], Strides = [2, 2, 2] }.Build();
        var images = TestImages.Make(4, model.InputBytes, seed: 77);
        var expected = new ReferenceExecutor(model).InferMany(images);
        string work = RepositoryPaths.Scratch("renode");
        new ModelEmitter().Emit(model, Path.Combine(work, "model"), new EmitOptions(images));
        foreach (var board in new[] { Boards.Microbit, Boards.Mps2An386 })
        {
            var build = new FirmwareBuilder(RepositoryPaths.Root).Build(board, Path.Combine(work, "model"), Path.Combine(work, "build-" + board.Name));

            var run = new RenodeRunner(RepositoryPaths.Root).Run(board, build.ElfPath);

            run.CompletedCount.Should().Be(images.Count);
            for (int i = 0; i < images.Count; i++)
            {
                run.Logits[i].Should().Equal(expected[i], $"image {i} on {board.Name} in Renode");
            }
        }
    }

    [Fact]
    public void Renode_tests_are_skipped_with_the_reason_exactly_when_renode_is_absent()
    {
        var fact = new RenodeFactAttribute();
        if (RenodeRunner.IsAvailable)
        {
            fact.Skip.Should().BeNull();
        }
        else
        {
            fact.Skip.Should().Be("Renode is not installed (renode not on PATH)");
            var elf = Path.Combine(RepositoryPaths.Root, "firmware", "common", "main.c");
            var run = () => new RenodeRunner(RepositoryPaths.Root).Run(Boards.Mps2An386, elf);
            run.Should().Throw<ToolNotFoundException>().Which.Tool.Should().Be("renode");
        }
    }
}
