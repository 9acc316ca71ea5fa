namespace GroupNet.Cli.Reports;

/// <summary>Writes a report's files into a folder: report.md, report.csv, report.json and the charts (SVG and PNG).</summary>
public static class ReportFiles
{
    public const string Markdown = "report.md";
    public const string Csv = "report.csv";
    public const string Json = "report.json";

    /// <summary>Writes every file; returns the JSON text (indented).</summary>
    public static string Write(string folder, ReportGrid grid, IReadOnlyList<ReportCell> cells)
    {
        Directory.CreateDirectory(folder);
        var charts = ReportCharts.All(cells.Select(ReportChartCell.From).ToArray());
        foreach (var chart in charts)
        {
            chart.Write(folder);
        }
        File.WriteAllText(Path.Combine(folder, Markdown), ReportTables.Markdown(grid, cells, charts.Select(c => c.Name).ToArray()));
        File.WriteAllText(Path.Combine(folder, Csv), ReportTables.Csv(cells));
        string json = ReportJson.Serialize(ReportJson.Build(grid, cells), indented: true);
        File.WriteAllText(Path.Combine(folder, Json), json + "\n");
        return json;
    }
}
