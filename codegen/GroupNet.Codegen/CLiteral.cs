using System.Globalization;

namespace GroupNet.Codegen;

/// <summary>C99 literals, culture-invariant. INT32_MIN and INT64 extremes are written so that no
/// literal overflows its type.</summary>
public static class CLiteral
{
    public static string Int32(int v) => v == int.MinValue ? "INT32_MIN" : v.ToString(CultureInfo.InvariantCulture);

    public static string Int64(long v) => v == long.MinValue ? "INT64_MIN" : $"INT64_C({v.ToString(CultureInfo.InvariantCulture)})";

    public static string Hex32(uint v) => "0x" + v.ToString("x8", CultureInfo.InvariantCulture) + "u";

    public static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>A C string's contents: printable ASCII with quotes, backslashes and comment closers removed.</summary>
    public static string CommentText(string s) =>
        new string(s.Select(ch => ch is >= ' ' and <= '~' ? ch : '?').ToArray()).Replace("*/", "* /", StringComparison.Ordinal);
}
