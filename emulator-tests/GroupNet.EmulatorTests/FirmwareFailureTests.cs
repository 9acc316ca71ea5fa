using FluentAssertions;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>
/// A firmware that faults, hangs or prints garbage fails the run within its time-out, with a message
/// naming the core, the configuration and the image it was working on (firmware/selftest/gn_failing.c:
/// images 0 and 1 print well-formed logits, image 2 fails).
/// </summary>
public class FirmwareFailureTests
{
    private const string Configuration = "deliberately failing selftest";

    private static string Build(string boardName, string mode)
    {
        string work = RepositoryPaths.Scratch($"failing-{boardName}-{mode}");
        return new FirmwareBuilder(RepositoryPaths.Root).Build(Boards.Get(boardName), null, Path.Combine(work, "build"), "gn_fail_" + mode).ElfPath;
    }

    [Theory]
    [InlineData("microbit")]
    [InlineData("mps2-an386")]
    [InlineData("mps3-an547")]
    public void A_hard_fault_fails_the_run_naming_core_configuration_image_and_fault_registers(string boardName)
    {
        var board = Boards.Get(boardName);
        var elf = Build(boardName, "fault");

        var run = () => new QemuRunner(RepositoryPaths.Root).Run(board, elf, new QemuRunOptions { Timeout = TimeSpan.FromSeconds(60), Configuration = Configuration });

        var error = run.Should().Throw<EmulatorRunException>().Which;
        error.ExitCode.Should().Be(3, "the fault handler exits with GN_EXIT_FAULT");
        error.Message.Should().Contain($"core Cortex-{board.Core}").And.Contain($"configuration '{Configuration}'").And.Contain("image 2")
            .And.Contain("FAULT exception").And.MatchRegex("PC 0x[0-9a-f]{8} LR 0x[0-9a-f]{8} xPSR 0x[0-9a-f]{8}");
        // The stacked PC is the faulting instruction: the UDF in gn_failing.c's main.
        var pc = ulong.Parse(System.Text.RegularExpressions.Regex.Match(error.Message, "PC 0x([0-9a-f]{8})").Groups[1].Value, System.Globalization.NumberStyles.HexNumber);
        var main = QemuRunner.FunctionRanges(elf).Single(f => f.Name == "main");
        pc.Should().BeInRange(main.Start, main.End - 2, $"the stacked PC points into main [0x{main.Start:x8}, 0x{main.End:x8})");
        if (board.Core == "M0")
        {
            error.Message.Should().Contain("FAULT exception 3 ", "ARMv6-M has only HardFault").And.NotContain("CFSR");
        }
        else
        {
            // UDF: UsageFault (exception 6) with CFSR.UNDEFINSTR (bit 16).
            error.Message.Should().Contain("FAULT exception 6 CFSR 0x00010000 HFSR 0x00000000 MMFAR 0x").And.Contain(" BFAR 0x");
        }
    }

    [Fact]
    public void A_hang_is_killed_at_the_time_out_with_core_configuration_and_image_in_the_message()
    {
        var board = Boards.Get("mps2-an386");
        var elf = Build(board.Name, "hang");

        var run = () => new QemuRunner(RepositoryPaths.Root).Run(board, elf, new QemuRunOptions { Timeout = TimeSpan.FromSeconds(3), Configuration = Configuration });

        run.Should().Throw<TimeoutException>().Which.Message.Should()
            .Contain("did not finish within 3 s").And.Contain("core Cortex-M4").And.Contain($"configuration '{Configuration}'").And.Contain("image 2")
            .And.Contain("logits 1 10 11", "the output so far is shown");
    }

    [Fact]
    public void Garbage_output_fails_the_run_naming_the_line_core_configuration_and_image()
    {
        var board = Boards.Get("mps2-an386");
        var elf = Build(board.Name, "garbage");

        var run = () => new QemuRunner(RepositoryPaths.Root).Run(board, elf, new QemuRunOptions { Timeout = TimeSpan.FromSeconds(60), Configuration = Configuration });

        run.Should().Throw<EmulatorRunException>().Which.Message.Should()
            .Contain("non-integer logit in line 'logits 2 17 0x1f ~~ 4'")
            .And.Contain("core Cortex-M4").And.Contain("image 2").And.Contain($"configuration '{Configuration}'");
    }

    [Fact]
    public void Image_in_progress_is_the_index_after_the_last_good_logits_line()
    {
        FirmwareOutput.ImageInProgress("").Should().Be(0);
        FirmwareOutput.ImageInProgress("logits 0 1 2\nlogits 1 3 4\n").Should().Be(2);
        FirmwareOutput.ImageInProgress("GN-STREAM first 500 count 20\nlogits 500 1 2\nlogits 501 x\n").Should().Be(501);
        FirmwareOutput.ImageInProgress("GN-STREAM first 7 count 1\n").Should().Be(7);
    }
}
