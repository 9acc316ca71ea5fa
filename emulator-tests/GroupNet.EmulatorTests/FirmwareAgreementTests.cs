using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>Firmware built with arm-none-eabi-gcc, run in QEMU: every logit equals the managed reference.</summary>
public class FirmwareAgreementTests
{
    public static TheoryData<string, int, int, bool> Configurations() => new()
    {
        { "mps2-an386", 2, 2, false },
        { "mps2-an386", 1, 4, true },
        { "mps2-an386", 3, 2, true },
        { "mps2-an385", 2, 2, true },
        { "mps2-an500", 2, 4, true },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Firmware_logits_equal_the_managed_reference(string boardName, int bases, int bits, bool extreme)
    {
        var model = new RandomModelBuilder
        {
            Seed = 100 + bases * 10 + bits,
            Name = $"k{bases}a{bits}",
            Branches = bases,
            ActivationBits = bits,
            ExtremeMultipliers = extreme,
        }.Build();
        var board = Boards.Get(boardName);
        var images = TestImages.Make(40, model.InputBytes, seed: bases * 7 + bits);
        string work = RepositoryPaths.Scratch($"agreement-{boardName}-k{bases}-a{bits}");

        var result = new FirmwareAgreement(RepositoryPaths.Root).Run(model, board, images, work, countInstructions: true);

        result.Run.ExitCode.Should().Be(0);
        result.Mismatches.Should().BeEmpty($"core {board.Core}, config K={bases} A={bits}, image {result.ElfPath}: {LogitMismatch.Describe(result.Mismatches)}");
        result.IdenticalImages.Should().Be(images.Count);
        result.Run.InstructionsPerInference.Should().HaveCount(images.Count).And.OnlyContain(n => n > 1000);
    }
}
