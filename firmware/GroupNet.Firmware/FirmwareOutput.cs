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
/// <param name="FirstImage">Index of the first image: the streaming harness's <c>GN-STREAM first &lt;i&gt; count &lt;n&gt;</c>
/// header line (<c>gn_stream_main.c</c>), else 0; the logits lines count up from it.</param>
public sealed record FirmwareOutput(int[][] Logits, int CompletedCount, int? StackPeakBytes, int FirstImage = 0)
{
    /// <summary>Header line of the streaming harness.</summary>
    public const string StreamHeader = "GN-STREAM";

    /// <summary>
    /// The image the firmware was working on when its output stopped: the index after the last
    /// well-formed, in-order <c>logits</c> line (the first image when there is none). For failure messages.
    /// </summary>
    public static int ImageInProgress(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int first = 0;
        int next = 0;
        foreach (var raw in output.Split('\n'))
        {
            var fields = raw.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 5 && fields[0] == StreamHeader && TryInt(fields[2], out var f))
            {
                first = next = f;
            }
            else if (fields.Length >= 3 && fields[0] == "logits" && TryInt(fields[1], out var i) && i == next
                && fields.Skip(2).All(v => TryInt(v, out _)))
            {
                next = i + 1;
            }
        }
        return Math.Max(first, next);
    }

    /// <summary>The firmware's own report of what stopped it: its <c>FAULT</c> line (fault handler) or first <c>GN-ERROR</c> / <c>FATAL</c> line, else null.</summary>
    public static string? FailureLine(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        return lines.FirstOrDefault(l => l.StartsWith("FAULT ", StringComparison.Ordinal))
            ?? lines.FirstOrDefault(l => l.StartsWith("GN-ERROR ", StringComparison.Ordinal) || l.StartsWith("FATAL ", StringComparison.Ordinal));
    }

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
        int first = 0;
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
                case StreamHeader when fields.Length == 5 && logits.Count == 0 && TryInt(fields[2], out var firstIndex) && firstIndex >= 0:
                    first = firstIndex;
                    break;
                case "logits":
                    if (fields.Length < 3 || !TryInt(fields[1], out var index) || index != first + logits.Count)
                    {
                        throw new EmulatorRunException(machine, image, $"malformed or out-of-order logits line '{line}' (expected index {first + logits.Count})", exitCode, output);
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
            var failure = FailureLine(output);
            throw new EmulatorRunException(machine, image, failure is null
                ? $"no '{Sentinel}' sentinel line: the firmware did not complete"
                : $"the firmware stopped with '{failure}' (no '{Sentinel}' sentinel line)", exitCode, output);
        }
        if (done.Value != logits.Count)
        {
            throw new EmulatorRunException(machine, image, $"sentinel says {done.Value} images but {logits.Count} logits lines were printed", exitCode, output);
        }
        return new FirmwareOutput(logits.ToArray(), done.Value, stack, first);
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
