using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using GroupNet.Firmware;

namespace GroupNet.Cli;

/// <summary>
/// Checks on option values that run while parsing, so a bad value is reported in the user's words (which option,
/// what was given, what is accepted) before a command runs, instead of surfacing later as a .NET exception from
/// deep inside (<c>Take(-1)</c>: "Specified argument was out of the range of valid values").
/// </summary>
public static class OptionRules
{
    /// <summary>The value is a whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.CustomParser = result => ParseWholeNumber(option.Name, result, minimum) ?? default;
        return option;
    }

    /// <summary>The value, when given, is a whole number of at least <paramref name="minimum"/>.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.CustomParser = result => ParseWholeNumber(option.Name, result, minimum);
        return option;
    }

    /// <summary>The value is a whole number (any sign).</summary>
    public static Option<int> WholeNumber(this Option<int> option) => option.AtLeast(int.MinValue);

    /// <summary>The value is one of <paramref name="accepted"/>.</summary>
    public static Option<int> OneOf(this Option<int> option, params int[] accepted)
    {
        option.CustomParser = result =>
        {
            string text = LastToken(result);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || !accepted.Contains(value))
            {
                result.AddError($"{option.Name} '{text}': {string.Join(", ", accepted[..^1])} or {accepted[^1]} is accepted");
            }
            return value;
        };
        return option;
    }

    /// <summary>The value is a finite number above zero.</summary>
    public static Option<float> Positive(this Option<float> option)
    {
        option.CustomParser = result =>
        {
            string text = LastToken(result);
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value <= 0)
            {
                result.AddError($"{option.Name} '{text}': a number above 0 is accepted, e.g. 0.05");
            }
            return value;
        };
        return option;
    }

    /// <summary>The value is a number from <paramref name="minimum"/> to <paramref name="maximum"/>, both included.</summary>
    public static Option<float> Between(this Option<float> option, float minimum, float maximum)
    {
        option.CustomParser = result =>
        {
            string text = LastToken(result);
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !(value >= minimum && value <= maximum))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} '{text}': a number from {minimum} to {maximum} is accepted"));
            }
            return value;
        };
        return option;
    }

    /// <summary>The value names one of <see cref="Boards.All"/> (any case); the error lists them.</summary>
    public static Option<string> KnownBoard(this Option<string> option) => option.OneOf([.. Boards.All.Select(b => b.Name)]);

    /// <summary>The value is one of <paramref name="accepted"/> (any case, surrounding spaces ignored); the error lists them.</summary>
    public static Option<string> OneOf(this Option<string> option, params string[] accepted)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !accepted.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"{option.Name} '{value}' is not accepted; use one of {string.Join(", ", accepted)}");
            }
        });
        return option;
    }

    /// <summary>The value can become a folder: it is not an existing file and no file stands where one of its parent folders would be.</summary>
    public static Option<DirectoryInfo> FolderToWrite(this Option<DirectoryInfo> option)
    {
        option.CustomParser = result => ParseOutputPath(option.Name, result, folder: true, text => new DirectoryInfo(text));
        return option;
    }

    /// <summary>The value can become a file: it is not an existing folder and no file stands where one of its parent folders would be.</summary>
    public static Option<FileInfo> FileToWrite(this Option<FileInfo> option)
    {
        option.CustomParser = result => ParseOutputPath(option.Name, result, folder: false, text => new FileInfo(text));
        return option;
    }

    private static T? ParseOutputPath<T>(string name, ArgumentResult result, bool folder, Func<string, T> create)
        where T : FileSystemInfo
    {
        string text = LastToken(result);
        string what = folder ? "a folder" : "a file";
        if (text.Trim().Length == 0)
        {
            result.AddError($"{name} '{text}': give the path of {what}");
            return null;
        }
        T info;
        try
        {
            info = create(text);
        }
        catch (ArgumentException)
        {
            result.AddError($"{name} '{text}': not a usable path for {what}");
            return null;
        }
        if (OutputPathProblem(info.FullName, folder) is { } problem)
        {
            result.AddError($"{name}: {problem}");
            return null;
        }
        return info;
    }

    /// <summary>Why <paramref name="path"/> cannot be written as a folder (or a file), or null when it can.</summary>
    public static string? OutputPathProblem(string path, bool folder)
    {
        if (folder && File.Exists(path))
        {
            return $"{path} is a file; give a folder (it is created, or replaced if it is a folder)";
        }
        if (!folder && Directory.Exists(path))
        {
            return $"{path} is a folder; give a file name (it is created or replaced)";
        }
        for (string? parent = Path.GetDirectoryName(path); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                return $"{parent} is a file, so it cannot hold {path}; give a path whose parents are folders";
            }
            if (Directory.Exists(parent))
            {
                break;
            }
        }
        return null;
    }

    /// <summary>Parses a whole number itself, so the error names the option and what it accepts instead of
    /// System.CommandLine's "Cannot parse argument 'x' ... as expected type 'System.Nullable`1[System.Int32]'".</summary>
    private static int? ParseWholeNumber(string name, ArgumentResult result, int minimum)
    {
        string text = LastToken(result);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"{name} '{text}': {Accepted(minimum)}");
            return null;
        }
        if (value < minimum)
        {
            result.AddError($"{name} {value}: {Accepted(minimum)}");
            return null;
        }
        return value;
    }

    /// <summary>The value's text; an option given twice takes its last value, as the parser does.</summary>
    private static string LastToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static string Accepted(int minimum) => minimum == int.MinValue
        ? "a whole number is accepted"
        : $"a whole number of {minimum} or more is accepted";
}
