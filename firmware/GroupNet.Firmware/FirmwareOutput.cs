using System.Globalization;

namespace GroupNet.Firmware;

/// <summary>
/// The harness's console protocol (firmware/common/main.c), parsed:
/// <c>logits &lt;i&gt; &lt;v0&gt; ... &lt;v9&gt;</c> per image, optional <c>GN-STACK &lt;bytes&gt;</c>,
/// and the sentinel <c>GN-DONE &lt;count&gt;</c>. Shared by the QEMU runner and host-runner tests.
/// </summary>
/// <param name="Logits">Logits per image, in image order.</param>
/// <param name="CompletedCount">Count on the sentinel line.</param>
/// <param name="StackPeakBytes">Peak stack depth, when printed.</param>
public sealed record FirmwareOutput(int[][] Logits, int CompletedCount, int? StackPeakBytes)
{
    /// <summary>Sentinel that marks a completed run.</summary>
    public const string Sentinel = "GN-DONE";

    /// <summary>Parses console text.</summary>
    /// <param name="output">Everything the firmware printed.</param>
    /// <param name="machine">Machine name for error messages (e.g. <c>mps2-an386</c> or <c>host</c>).</param>
    /// <param name="image">Image path for error messages.</param>
    /// <param name="exitCode">Exit code for error messages.</param>
    /// <exception cref="EmulatorRunException">No sentinel, out-of-order or malformed logits lines, or a count mismatch.</exception>
    public static FirmwareOutput Parse(string output, string machine, string image, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(output);
        var logits = new List<int[]>();
        int? done = null;
        int? stack = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            switch (fields[0])
            {
                case "logits":
                    if (fields.Length < 3 || !TryInt(fields[1], out var index) || index != logits.Count)
                    {
                        throw new EmulatorRunException(machine, image, $"malformed or out-of-order logits line '{line}' (expected index {logits.Count})", exitCode, output);
                    }
                    var values = new int[fields.Length - 2];
                    for (var j = 0; j < values.Length; j++)
                    {
                        if (!TryInt(fields[j + 2], out values[j]))
                        {
                            throw new EmulatorRunException(machine, image, $"non-integer logit in line '{line}'", exitCode, output);
                        }
                    }
                    logits.Add(values);
                    break;
                case "GN-STACK" when fields.Length == 2 && TryInt(fields[1], out var bytes):
                    stack = bytes;
                    break;
                case Sentinel when fields.Length == 2 && TryInt(fields[1], out var count):
                    done = count;
                    break;
            }
        }
        if (done is null)
        {
            throw new EmulatorRunException(machine, image, $"no '{Sentinel}' sentinel line: the firmware did not complete", exitCode, output);
        }
        if (done.Value != logits.Count)
        {
            throw new EmulatorRunException(machine, image, $"sentinel says {done.Value} images but {logits.Count} logits lines were printed", exitCode, output);
        }
        return new FirmwareOutput(logits.ToArray(), done.Value, stack);
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
