using System.Globalization;

namespace GroupNet.Firmware.Timing;

/// <summary>
/// One <c>GN-CYCLES &lt;image&gt; &lt;total&gt; &lt;c0&gt; ... </c> line of a firmware built with
/// <c>GN_CYCLE_COUNTER</c> (firmware/common/gn_cycle_counter.h): DWT->CYCCNT differences per call of
/// the infer function (layers in model order, then the head). On hardware these are measurements; QEMU
/// does not model the DWT, so there every value is 0 (<see cref="IsCounting"/> false).
/// </summary>
/// <param name="Image">Inference index.</param>
/// <param name="Total">Sum of <paramref name="PerCall"/> (as printed).</param>
/// <param name="PerCall">Cycles of each call, layers then head.</param>
public sealed record MeasuredCycles(int Image, ulong Total, IReadOnlyList<ulong> PerCall)
{
    /// <summary>Line tag.</summary>
    public const string Tag = "GN-CYCLES";

    /// <summary>The counter ran (some value is nonzero): the figures are measurements.</summary>
    public bool IsCounting => Total != 0 || PerCall.Any(c => c != 0);

    /// <summary>Every GN-CYCLES line of <paramref name="output"/>, in order (none when the core has no cycle counter).</summary>
    /// <exception cref="FormatException">A GN-CYCLES line is malformed.</exception>
    public static IReadOnlyList<MeasuredCycles> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = new List<MeasuredCycles>();
        foreach (var raw in output.Split('\n'))
        {
            var f = raw.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0 || f[0] != Tag)
            {
                continue;
            }
            if (f.Length < 4 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var image))
            {
                throw new FormatException($"malformed {Tag} line '{raw.Trim()}'");
            }
            var values = f.Skip(2).Select(v => ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var x)
                ? x : throw new FormatException($"non-numeric value '{v}' in {Tag} line '{raw.Trim()}'")).ToArray();
            lines.Add(new MeasuredCycles(image, values[0], values[1..]));
        }
        return lines;
    }
}
