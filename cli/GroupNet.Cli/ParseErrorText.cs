using System.Text.RegularExpressions;

namespace GroupNet.Cli;

/// <summary>
/// Rewrites System.CommandLine's conversion error, which names a .NET type ("Cannot parse argument '' for command
/// 'inspect' as expected type 'System.IO.FileInfo'."), into what the user gave and what is accepted. Options with an
/// <see cref="OptionRules"/> rule never reach it; this covers the rest (file and folder paths such as '').
/// </summary>
public static partial class ParseErrorText
{
    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<kind>option|command|argument) '(?<name>[^']+)' as expected type '(?<type>[^']+)'\.$", RegexOptions.Singleline)]
    private static partial Regex ConversionError();

    public static string Rewrite(string message)
    {
        var match = ConversionError().Match(message);
        if (!match.Success)
        {
            return message;
        }
        string where = match.Groups["kind"].Value == "option" ? match.Groups["name"].Value : $"{match.Groups["name"].Value} argument";
        return $"{where} '{match.Groups["value"].Value}': {Expected(match.Groups["type"].Value)} is accepted";
    }

    private static string Expected(string type)
    {
        // Nullable`1[System.Int32] names its inner type.
        string inner = type.Contains('[', StringComparison.Ordinal) ? type[(type.LastIndexOf('[') + 1)..].TrimEnd(']') : type;
        return inner switch
        {
            "System.IO.FileInfo" => "the path of a file",
            "System.IO.DirectoryInfo" => "the path of a folder",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Single" or "System.Double" => "a number",
            "System.Boolean" => "true or false",
            _ => "a value of another form (see --help)",
        };
    }
}
