using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupNet.Firmware;

/// <summary>
/// The memory a board's linker script gives the image: the <c>GN_FLASH_ORIGIN</c>,
/// <c>GN_FLASH_SIZE</c>, <c>GN_RAM_ORIGIN</c>, <c>GN_RAM_SIZE</c> and <c>GN_STACK_SIZE</c>
/// assignments at the top of <c>firmware/boards/&lt;board&gt;/&lt;board&gt;.ld</c>. The Renode
/// platform written for a board is derived from these, so both emulators see the part's memory.
/// </summary>
/// <param name="FlashOrigin">Address of the FLASH region.</param>
/// <param name="FlashBytes">Size of the FLASH region.</param>
/// <param name="RamOrigin">Address of the part's RAM (regions RAM then STACK).</param>
/// <param name="RamBytes">The part's RAM, stack included.</param>
/// <param name="StackBytes">The STACK region at the top of RAM.</param>
public sealed record LinkerScriptMemory(ulong FlashOrigin, long FlashBytes, ulong RamOrigin, long RamBytes, long StackBytes)
{
    /// <summary>Reads the board's linker script under <paramref name="repoRoot"/>.</summary>
    public static LinkerScriptMemory Read(string repoRoot, Board board) =>
        Parse(File.ReadAllText(Path.Combine(repoRoot, board.LinkerScript)));

    /// <summary>Parses the five assignments (decimal, hex, optional K/M suffix).</summary>
    /// <exception cref="FormatException">One of them is missing.</exception>
    public static LinkerScriptMemory Parse(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return new LinkerScriptMemory(
            (ulong)Value(script, "GN_FLASH_ORIGIN"),
            Value(script, "GN_FLASH_SIZE"),
            (ulong)Value(script, "GN_RAM_ORIGIN"),
            Value(script, "GN_RAM_SIZE"),
            Value(script, "GN_STACK_SIZE"));
    }

    /// <summary>The value of one <c>SYMBOL = value;</c> assignment.</summary>
    public static long Value(string script, string symbol)
    {
        var m = Regex.Match(script, $@"^\s*{Regex.Escape(symbol)}\s*=\s*(0x[0-9A-Fa-f]+|\d+)([KM]?)\s*;", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        if (!m.Success)
        {
            throw new FormatException($"linker script has no '{symbol} = value;' assignment");
        }
        var text = m.Groups[1].Value;
        long value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(text, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "K" => value * 1024,
            "M" => value * 1024 * 1024,
            _ => value,
        };
    }
}
