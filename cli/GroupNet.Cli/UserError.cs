using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;

namespace GroupNet.Cli;

/// <summary>Exceptions that describe bad input rather than a bug: printed as one line, exit code 2.</summary>
public static class UserError
{
    public static bool IsUserError(Exception e) => e is ModelFormatException or ModelValidationException
        or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or IOException
        or UnauthorizedAccessException or ArgumentException or TimeoutException
        or GroupNet.Trainer.Export.ExportException or UserInputException
        // A model that does not fit the board, a missing tool, a firmware that faults or hangs.
        or GroupNet.Firmware.ExternalToolException or GroupNet.Firmware.ToolNotFoundException
        or GroupNet.Firmware.EmulatorRunException;

    /// <summary>The one line printed for a user error: the message without line breaks, and without what .NET appends
    /// to argument exceptions (" (Parameter 'name')", a name from our code, and "Actual value was ...").</summary>
    public static string Describe(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        }
        if (e is ArgumentOutOfRangeException { ActualValue: not null })
        {
            // "Actual value was 3.": our messages that need the value name it themselves.
            message = message.Split('\n')[0];
        }
        return message.ReplaceLineEndings(" ").Trim();
    }
}
