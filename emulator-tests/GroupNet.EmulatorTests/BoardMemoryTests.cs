using System.Globalization;
using System.Text.RegularExpressions;
using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>
/// The six board profiles: each boots in its QEMU machine, each linker script holds the memory of
/// the real part that <see cref="Boards"/> names, and an image too big for the part fails to link
/// with a message naming the region and the overflow in bytes.
/// </summary>
public class BoardMemoryTests
{
    public static TheoryData<string> BoardNames()
    {
        var data = new TheoryData<string>();
        foreach (var board in Boards.All)
        {
            data.Add(board.Name);
        }
        return data;
    }

    [Fact]
    public void Six_boards_one_per_core()
    {
        Boards.All.Select(b => b.Core).Should().Equal("M0", "M3", "M4", "M7", "M33", "M55");
        Boards.All.Select(b => b.QemuMachine).Should().Equal("microbit", "mps2-an385", "mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547");
        Boards.All.Should().OnlyContain(b => b.Part.Length > 0 && b.FlashBytes > 0 && b.RamBytes > b.StackBytes && b.StackBytes >= 1024);
    }

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void Linker_script_holds_the_part_memory_that_the_registry_names(string boardName)
    {
        var board = Boards.Get(boardName);
        string script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, board.LinkerScript));
        string boardCmake = File.ReadAllText(Path.Combine(RepositoryPaths.Root, board.Directory, "board.cmake"));

        LinkerValue(script, "GN_FLASH_SIZE").Should().Be(board.FlashBytes);
        LinkerValue(script, "GN_RAM_SIZE").Should().Be(board.RamBytes);
        LinkerValue(script, "GN_STACK_SIZE").Should().Be(board.StackBytes);
        script.Should().Contain("INCLUDE gn_sections.ld");
        boardCmake.Should().Contain($"set(GN_BOARD_CORE \"{board.Core}\")")
            .And.Contain($"set(GN_BOARD_QEMU_MACHINE \"{board.QemuMachine}\")")
            .And.Contain($"set(GN_BOARD_QEMU_CPU \"{board.QemuCpu}\")");
    }

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void Selftest_boots_and_prints_through_semihosting(string boardName)
    {
        var board = Boards.Get(boardName);
        string work = RepositoryPaths.Scratch($"selftest-{boardName}");
        var build = new FirmwareBuilder(RepositoryPaths.Root).Build(board, null, Path.Combine(work, "build"), FirmwareBuilder.SelftestTarget);

        var run = new QemuRunner(RepositoryPaths.Root).Run(board, build.ElfPath, new QemuRunOptions { Timeout = TimeSpan.FromSeconds(60) });

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("selftest checksum");
        run.CompletedCount.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Overflow_lines_are_found_in_linker_output()
    {
        const string output = """
            /usr/bin/ld: gn_firmware.elf section `.bss' will not fit in region `RAM'
            /usr/bin/ld: region `RAM' overflowed by 2920 bytes
            /usr/bin/ld: region `FLASH' overflowed by 12 bytes
            collect2: error: ld returned 1 exit status
            """;
        FirmwareBuilder.FindOverflows(output).Should().BeEquivalentTo(new[]
        {
            new FirmwareBuilder.RegionOverflow("RAM", 2920),
            new FirmwareBuilder.RegionOverflow("FLASH", 12),
        });
        FirmwareBuilder.FindOverflows("ld: gn_firmware.elf section `.text' will not fit in region `FLASH'")
            .Should().Equal(new FirmwareBuilder.RegionOverflow("FLASH", null));
        FirmwareBuilder.FindOverflows("collect2: error: ld returned 1 exit status").Should().BeEmpty();
    }

    [Fact]
    public void A_model_too_big_for_the_M0_fails_to_link_naming_the_region_and_the_bytes()
    {
        // The default random network (16/32/64 channels, K = 3, 4-bit activations) needs more
        // activation RAM than the nRF51822's 16 KiB less its 2 KiB stack.
        var model = new RandomModelBuilder { Seed = 7, Name = "too_big", Branches = 3, ActivationBits = 4 }.Build();
        var board = Boards.Microbit;
        string work = RepositoryPaths.Scratch("m0-overflow");
        string modelDir = Path.Combine(work, "model");
        new ModelEmitter().Emit(model, modelDir, new EmitOptions(TestImages.Make(2, model.InputBytes, seed: 1)));

        var build = () => new FirmwareBuilder(RepositoryPaths.Root).Build(board, modelDir, Path.Combine(work, "build"));

        var error = build.Should().Throw<ExternalToolException>().Which;
        string summary = error.Message.Split('\n')[0];
        summary.Should().MatchRegex(@"^The image does not fit board microbit \(Cortex-M0, Nordic nRF51822-QFAA: 256 KiB flash, 16 KiB RAM");
        summary.Should().MatchRegex(@"region `RAM' overflowed by [1-9][0-9]* bytes");
        var overflow = FirmwareBuilder.FindOverflows(error.Output).Should().ContainSingle(o => o.Region == "RAM").Subject;
        summary.Should().Contain($"overflowed by {overflow.Bytes} bytes");
    }

    [Fact]
    public void Too_many_embedded_images_for_the_M0_flash_fail_to_link_naming_flash_and_the_bytes()
    {
        // The M0 agreement network, with 340 embedded 784-byte images (266,560 bytes of constants)
        // against the nRF51822's 256 KiB of flash.
        var model = new RandomModelBuilder { Seed = 7, Name = "many_images", Branches = 1, ActivationBits = 2, Channels = [8, 16, 32], Strides = [2, 2, 2] }.Build();
        string work = RepositoryPaths.Scratch("m0-flash-overflow");
        string modelDir = Path.Combine(work, "model");
        new ModelEmitter().Emit(model, modelDir, new EmitOptions(TestImages.Make(340, model.InputBytes, seed: 2)));

        var build = () => new FirmwareBuilder(RepositoryPaths.Root).Build(Boards.Microbit, modelDir, Path.Combine(work, "build"));

        var error = build.Should().Throw<ExternalToolException>().Which;
        string summary = error.Message.Split('\n')[0];
        summary.Should().StartWith("The image does not fit board microbit").And.MatchRegex(@"region `FLASH' overflowed by [1-9][0-9]* bytes \(code \+ constants \+ \.data image > 262144 bytes of flash\)");
        summary.Should().NotContain("`RAM'");
    }

    private static long LinkerValue(string script, string symbol)
    {
        var m = Regex.Match(script, $@"^\s*{symbol}\s*=\s*(0x[0-9A-Fa-f]+|\d+)([KM]?)\s*;", RegexOptions.Multiline);
        m.Success.Should().BeTrue($"the linker script assigns {symbol}");
        long value = m.Groups[1].Value.StartsWith("0x", StringComparison.Ordinal)
            ? long.Parse(m.Groups[1].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "K" => value * 1024, "M" => value * 1024 * 1024, _ => value };
    }
}
