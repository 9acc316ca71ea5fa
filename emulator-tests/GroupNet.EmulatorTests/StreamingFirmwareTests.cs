using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>
/// The streaming firmware (gn_firmware_stream: images read from a host file over semihosting, sliced
/// across QEMU processes) equals the managed reference on extreme inputs, including the saturating model
/// whose every accumulator reaches its worst-case bound; bad arguments are reported, not run.
/// </summary>
public class StreamingFirmwareTests
{
    public static TheoryData<string, bool, string, string> Configurations() => new()
    {
        { "mps2-an386", false, "16,32,64", "1,2,2" },
        { "mps2-an386", true, "16,32,64", "1,2,2" },
        // Cortex-M0 with a network that downsamples early (see FirmwareAgreementTests).
        { "microbit", true, "8,16,32", "2,2,2" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Extreme_inputs_streamed_through_the_firmware_equal_the_reference(string boardName, bool saturated, string channels, string strides)
    {
        var random = new RandomModelBuilder
        {
            Seed = 70,
            Name = "stream",
            Branches = 2,
            ActivationBits = 2,
            ExtremeMultipliers = true,
            Channels = channels.Split(',').Select(int.Parse).ToArray(),
            Strides = strides.Split(',').Select(int.Parse).ToArray(),
        }.Build();
        var model = saturated ? SaturatingModel.From(random) : random;
        var inputs = ExtremeInputs.For(model, seed: 5, stemChannels: 8);
        var images = inputs.Select(i => i.Pixels).Concat(TestImages.Make(40, model.InputBytes, seed: 9)).ToArray();
        var board = Boards.Get(boardName);
        string work = RepositoryPaths.Scratch($"stream-{boardName}-{(saturated ? "sat" : "random")}");

        var result = new StreamingAgreement(RepositoryPaths.Root) { Jobs = 2 }.Run(model, board, images, work);

        result.Jobs.Should().Be(2, "two QEMU processes each run a slice of the file");
        result.Mismatches.Should().BeEmpty($"core {board.Core}, model {model.Name}: {LogitMismatch.Describe(result.Mismatches)}; first inputs: {string.Join(", ", inputs.Select((x, i) => $"{i} {x.Name}"))}");
        result.IdenticalImages.Should().Be(images.Length);
        result.StackPeakBytes.Should().NotBeNull().And.BeLessThan((int)board.StackBytes);
    }

    [Fact]
    public void Bad_streaming_arguments_stop_the_firmware_with_a_message_and_status_4()
    {
        var model = new RandomModelBuilder { Seed = 71, Name = "args", Branches = 1, ActivationBits = 2, Channels = [8, 16, 32] }.Build();
        var board = Boards.Get("mps2-an386");
        string work = RepositoryPaths.Scratch("stream-args");
        new ModelEmitter().Emit(model, Path.Combine(work, "model"), EmitOptions.Default);
        var elf = new FirmwareBuilder(RepositoryPaths.Root).Build(board, Path.Combine(work, "model"), Path.Combine(work, "build"), FirmwareBuilder.StreamFirmwareTarget).ElfPath;
        File.WriteAllBytes(Path.Combine(work, "short.raw"), new byte[model.InputBytes * 2 + 5]);
        File.WriteAllBytes(Path.Combine(work, "two.raw"), new byte[model.InputBytes * 2]);
        var runner = new QemuRunner(RepositoryPaths.Root);
        string Fails(params string[] words)
        {
            var run = () => runner.Run(board, elf, new QemuRunOptions { SemihostingArguments = ["fw", .. words], WorkingDirectory = work, Timeout = TimeSpan.FromSeconds(60) });
            var error = run.Should().Throw<EmulatorRunException>().Which;
            error.ExitCode.Should().Be(4);
            return error.Problem;
        }

        Fails("missing.raw").Should().Contain("GN-ERROR stream cannot open missing.raw");
        Fails("short.raw").Should().Contain("not a whole number of images: short.raw");
        Fails("two.raw", "3").Should().Contain("FIRST is not a number from 0 to the image count: 3");
        Fails("two.raw", "1", "2").Should().Contain("COUNT is not a number of images the file holds after FIRST: 2");
        Fails("two.raw", "x").Should().Contain("FIRST is not a number");
        var ok = runner.Run(board, elf, new QemuRunOptions { SemihostingArguments = ["fw", "two.raw", "1"], WorkingDirectory = work, Timeout = TimeSpan.FromSeconds(60) });
        ok.FirstImage.Should().Be(1);
        ok.Logits.Should().HaveCount(1);
    }
}
