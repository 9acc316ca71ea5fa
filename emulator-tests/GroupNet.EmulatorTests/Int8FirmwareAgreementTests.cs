using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>int8 networks in QEMU: the SMLAD kernel (Cortex-M4, M7, M33) and the portable kernel (Cortex-M3) give
/// every logit of the managed reference.</summary>
public class Int8FirmwareAgreementTests
{
    [Theory]
    [InlineData("mps2-an386")]
    [InlineData("mps2-an385")]
    public void Int8_firmware_logits_equal_the_managed_reference(string boardName)
    {
        var model = new RandomInt8ModelBuilder { Seed = 77, Name = "int8rand", Channels = [16, 32, 64] }.Build();
        var board = Boards.Get(boardName);
        var images = TestImages.Make(64, model.InputBytes, seed: 77);
        string work = RepositoryPaths.Scratch($"int8-agreement-{boardName}");

        var result = new FirmwareAgreement(RepositoryPaths.Root).Run(model, board, images, work, countInstructions: true);

        result.Run.ExitCode.Should().Be(0);
        result.Mismatches.Should().BeEmpty($"core {board.Core}, int8 network, image {result.ElfPath}: {LogitMismatch.Describe(result.Mismatches)}");
        result.IdenticalImages.Should().Be(images.Count);
        result.Run.InstructionsPerInference.Should().HaveCount(images.Count).And.OnlyContain(n => n > 1000);
        result.Run.StackPeakBytes.Should().NotBeNull().And.BeLessThan((int)board.StackBytes);
    }
}
