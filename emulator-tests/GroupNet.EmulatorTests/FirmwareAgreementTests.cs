using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>Firmware built with arm-none-eabi-gcc, run in QEMU: every logit equals the managed reference.</summary>
public class FirmwareAgreementTests
{
    /// <summary>Board, K, activation bits, extreme multipliers, group channels, group strides, embedded images.</summary>
    public static TheoryData<string, int, int, bool, string, string, int> Configurations() => new()
    {
        // Cortex-M0, 16 KiB RAM less a 2 KiB stack: a network that downsamples in its first group,
        // so only the stem output is 28x28 (activations are packed 32 channels to a word, so a
        // 28x28 tensor at 2 bits takes 6,272 bytes whatever its channel count up to 32).
        { "microbit", 1, 2, true, "8,16,32", "2,2,2", 64 },
        { "mps2-an385", 2, 2, true, "16,32,64", "1,2,2", 64 },
        { "mps2-an386", 2, 2, false, "16,32,64", "1,2,2", 64 },
        { "mps2-an386", 1, 4, true, "16,32,64", "1,2,2", 64 },
        { "mps2-an386", 3, 2, true, "16,32,64", "1,2,2", 64 },
        { "mps2-an500", 2, 4, true, "16,32,64", "1,2,2", 64 },
        { "mps2-an505", 2, 2, true, "16,32,64", "1,2,2", 64 },
        { "mps3-an547", 3, 4, true, "16,32,64", "1,2,2", 64 },
        // 1-bit sign activations: the Thumb-1 loop (M0), the Thumb-2 loop without DSP (M3), with
        // odd channel counts (no channel unrolling, 2 and 3 words per pixel: M33) and with it (M7)
        { "microbit", 1, 1, true, "8,32,64", "2,2,2", 64 },
        { "mps2-an385", 2, 1, true, "16,32,64", "1,2,2", 64 },
        { "mps2-an500", 2, 1, true, "16,32,64", "1,2,2", 64 },
        { "mps2-an505", 2, 1, true, "17,33,66", "1,2,2", 64 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Firmware_logits_equal_the_managed_reference(string boardName, int bases, int bits, bool extreme, string channels, string strides, int imageCount)
    {
        var model = new RandomModelBuilder
        {
            Seed = 100 + bases * 10 + bits,
            Name = $"k{bases}a{bits}",
            Branches = bases,
            ActivationBits = bits,
            ExtremeMultipliers = extreme,
            Channels = channels.Split(',').Select(int.Parse).ToArray(),
            Strides = strides.Split(',').Select(int.Parse).ToArray(),
        }.Build();
        var board = Boards.Get(boardName);
        var images = TestImages.Make(imageCount, model.InputBytes, seed: bases * 7 + bits);
        string work = RepositoryPaths.Scratch($"agreement-{boardName}-k{bases}-a{bits}");

        var result = new FirmwareAgreement(RepositoryPaths.Root).Run(model, board, images, work, countInstructions: true);

        result.Run.ExitCode.Should().Be(0);
        result.Mismatches.Should().BeEmpty($"core {board.Core}, config K={bases} A={bits}, image {result.ElfPath}: {LogitMismatch.Describe(result.Mismatches)}");
        result.IdenticalImages.Should().Be(images.Count);
        result.Run.InstructionsPerInference.Should().HaveCount(images.Count).And.OnlyContain(n => n > 1000);
        result.Size.FlashBytes.Should().BeLessThanOrEqualTo(board.FlashBytes, "the linker enforces the part's flash");
        result.Run.StackPeakBytes.Should().NotBeNull().And.BeLessThan((int)board.StackBytes, "the peak stack stays inside the board's stack reservation");
        result.Size.RamBytes.Should().BeLessThanOrEqualTo(board.StaticRamBytes, "the linker enforces the part's RAM less the stack");
    }
}
