using System.Globalization;
using System.Text.RegularExpressions;
using FluentAssertions;
using GroupNet.Firmware;

namespace GroupNet.Tests.Codegen;

/// <summary>
/// The generated Renode files, checked without Renode (it cannot be installed here): the platform's
/// memory is the board's linker-script memory, the script loads the tree's ELF, and the Robot test
/// waits for every logits line and the sentinel.
/// </summary>
public sealed class RenodeScriptsTests
{
    private const int Images = 7;

    public static TheoryData<string> BoardNames()
    {
        var data = new TheoryData<string>();
        foreach (var board in Boards.All)
        {
            data.Add(board.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void PlatformMemoryMatchesTheLinkerScriptAndTheScriptsLoadTheTreesElf(string boardName)
    {
        var board = Boards.Get(boardName);
        string ld = File.ReadAllText(Path.Combine(CCompiler.RepoRoot(), board.LinkerScript));
        long flashOrigin = LinkerValue(ld, "GN_FLASH_ORIGIN"), flashSize = LinkerValue(ld, "GN_FLASH_SIZE");
        long ramOrigin = LinkerValue(ld, "GN_RAM_ORIGIN"), ramSize = LinkerValue(ld, "GN_RAM_SIZE");

        var files = RenodeScripts.Generate(board, LinkerScriptMemory.Read(CCompiler.RepoRoot(), board), Images).ToDictionary(f => f.FileName, f => f.Content);
        string resc = files[$"{boardName}.resc"];
        string robot = files[$"{boardName}.robot"];

        if (board == Boards.Microbit)
        {
            // Renode's nrf51.repl: 256 KiB flash at 0x0 and 16 KiB RAM at 0x20000000, the nRF51822-QFAA's memory, which the linker script enforces too.
            files.Keys.Should().BeEquivalentTo($"{boardName}.resc", $"{boardName}.robot");
            resc.Should().Contain("machine LoadPlatformDescription @platforms/cpus/nrf51.repl")
                .And.Contain("machine LoadPlatformDescriptionFromString \"semihostingUart: UART.SemihostingUart @ cpu\"");
            (flashOrigin, flashSize, ramOrigin, ramSize).Should().Be((0L, 256L * 1024, 0x20000000L, 16L * 1024));
        }
        else
        {
            string repl = files[$"{boardName}.repl"];
            resc.Should().Contain($"machine LoadPlatformDescription $ORIGIN/{boardName}.repl");
            repl.Should().Contain($"cpuType: \"{board.QemuCpu}\"").And.Contain("semihostingUart: UART.SemihostingUart @ cpu")
                .And.Contain("nvic: IRQControllers.NVIC @ sysbus 0xE000E000");
            Region(repl, "flash").Should().Be((flashOrigin, flashSize));
            Region(repl, "ram").Should().Be((ramOrigin, ramSize));
            Regex.Matches(repl, @"Memory\.MappedMemory").Should().HaveCount(2, "flash and RAM are the only memories");
        }

        string elf = $"build/{boardName}/firmware/gn_firmware.elf";
        resc.Should().Contain($"$elf?=$ORIGIN/../{elf}").And.Contain("sysbus LoadELF $elf")
            .And.Contain(string.Create(CultureInfo.InvariantCulture, $"cpu VectorTableOffset 0x{flashOrigin:X8}"))
            .And.Contain("showAnalyzer sysbus.cpu.semihostingUart");

        robot.Should().Contain("Resource          ${RENODEKEYWORDS}")
            .And.Contain($"${{SCRIPT}}         ${{CURDIR}}/{boardName}.resc")
            .And.Contain($"${{ELF}}            ${{CURDIR}}/../{elf}")
            .And.Contain("Create Terminal Tester    ${UART}    timeout=300")
            .And.Contain("${UART}           sysbus.cpu.semihostingUart");
        var waits = Regex.Matches(robot, @"^\s+Wait For Line On Uart\s+(.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).ToList();
        waits.Should().Equal(Enumerable.Range(0, Images).Select(i => $"logits {i}").Append($"GN-DONE {Images}"));
    }

    private static (long Origin, long Size) Region(string repl, string name)
    {
        var m = Regex.Match(repl, $@"^{name}: Memory\.MappedMemory @ sysbus 0x([0-9A-F]+)\s*\n\s+size: 0x([0-9A-F]+)", RegexOptions.Multiline);
        m.Success.Should().BeTrue($"the platform must declare '{name}'");
        return (long.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    private static long LinkerValue(string script, string symbol)
    {
        var m = Regex.Match(script, $@"^\s*{symbol}\s*=\s*(0x[0-9A-Fa-f]+|\d+)([KM]?)\s*;", RegexOptions.Multiline);
        m.Success.Should().BeTrue(symbol);
        long v = m.Groups[1].Value.StartsWith("0x", StringComparison.Ordinal)
            ? long.Parse(m.Groups[1].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value == "K" ? v * 1024 : m.Groups[2].Value == "M" ? v * 1024 * 1024 : v;
    }
}
