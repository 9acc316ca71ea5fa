namespace GroupNet.Firmware;

/// <summary>
/// Section sizes of a firmware image as printed by <c>arm-none-eabi-size</c> (Berkeley format).
/// </summary>
/// <param name="Text">Code, read-only data and the vector table (bytes).</param>
/// <param name="Data">Initialised data: stored in flash, copied to RAM at reset (bytes).</param>
/// <param name="Bss">Zero-initialised data (bytes). The stack is not included.</param>
public sealed record SizeReport(long Text, long Data, long Bss)
{
    /// <summary>Flash bytes: text + data.</summary>
    public long FlashBytes => Text + Data;

    /// <summary>Static RAM bytes: data + bss (stack excluded; see the firmware's GN-STACK line).</summary>
    public long RamBytes => Data + Bss;

    /// <summary>Parses the output of <c>arm-none-eabi-size &lt;elf&gt;</c>.</summary>
    /// <exception cref="FormatException">The output has no Berkeley-format data line.</exception>
    public static SizeReport Parse(string sizeOutput)
    {
        ArgumentNullException.ThrowIfNull(sizeOutput);
        foreach (var line in sizeOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3
                && long.TryParse(fields[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var text)
                && long.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var data)
                && long.TryParse(fields[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bss))
            {
                return new SizeReport(text, data, bss);
            }
        }
        throw new FormatException($"No 'text data bss' line in arm-none-eabi-size output:{Environment.NewLine}{sizeOutput}");
    }
}
