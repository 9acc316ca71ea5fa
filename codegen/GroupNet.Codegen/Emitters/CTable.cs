namespace GroupNet.Codegen.Emitters;

/// <summary>A constant table for the weights file: one C array, rows of literals, an optional note per row.</summary>
public sealed record CTable(string CName, string CType, string Dims, string Comment, IReadOnlyList<CTableRow> Rows)
{
    /// <summary>A preprocessor condition the table is compiled under (e.g. <c>GN_HAVE_VCOUNT</c>), or null for always.</summary>
    public string? Guard { get; init; }

    /// <summary>Rows of <paramref name="perRow"/> values, each noted with its index range.</summary>
    public static CTable Flat<T>(string cname, string ctype, string comment, IReadOnlyList<T> values, Func<T, string> literal, int perRow, string unit)
    {
        var rows = new List<CTableRow>();
        for (int start = 0; start < values.Count; start += perRow)
        {
            int end = Math.Min(values.Count, start + perRow);
            var items = Enumerable.Range(start, end - start).Select(i => literal(values[i]));
            rows.Add(new CTableRow(string.Join(", ", items) + ",", $"{unit} {start}..{end - 1}"));
        }
        return new CTable(cname, ctype, $"[{values.Count}]", comment, rows);
    }

    /// <summary>A [rows][cols] table, one row per line in braces, noted "<paramref name="unit"/> r".</summary>
    public static CTable Matrix<T>(string cname, string ctype, string comment, IReadOnlyList<T> values, int rowCount, Func<T, string> literal, string unit)
    {
        int cols = values.Count / rowCount;
        var rows = new List<CTableRow>();
        for (int r = 0; r < rowCount; r++)
        {
            var items = Enumerable.Range(r * cols, cols).Select(i => literal(values[i]));
            rows.Add(new CTableRow("{ " + string.Join(", ", items) + " },", $"{unit} {r}"));
        }
        return new CTable(cname, ctype, $"[{rowCount}][{cols}]", comment, rows);
    }

    /// <summary>At least 4 (word loads from flash), never below the element's natural alignment:
    /// GCC lets an aligned attribute lower a variable's alignment.</summary>
    public int Alignment => Math.Max(MinimumAlignment, CType is "int64_t" or "uint64_t" ? 8 : 4);

    /// <summary>An alignment the kernel needs beyond the element's (8 for tables read two words at a time with LDRD).</summary>
    public int MinimumAlignment { get; init; } = 4;

    internal object ToTemplateData() => new
    {
        guard = Guard,
        align = Alignment,
        cname = CName,
        ctype = CType,
        dims = Dims,
        comment = Comment,
        rows = Rows.Select(r => new { text = r.Text, note = r.Note }).ToArray(),
    };
}
