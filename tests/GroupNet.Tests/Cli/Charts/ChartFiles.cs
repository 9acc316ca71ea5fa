using System.Xml.Linq;
using FluentAssertions;
using GroupNet.Cli.Charts;
using SkiaSharp;

namespace GroupNet.Tests.Cli.Charts;

/// <summary>Writes a chart and checks its two files the way a viewer opens them: the PNG decodes to the chart's size,
/// the SVG parses as XML with that size. Returns the SVG's text, one line per text element.</summary>
public static class ChartFiles
{
    public static string WriteAndCheck(ChartImage chart, string folder)
    {
        var (svgPath, pngPath) = chart.Write(folder);
        Path.GetFileName(svgPath).Should().Be(chart.Name + ".svg");
        Path.GetFileName(pngPath).Should().Be(chart.Name + ".png");

        using (var bitmap = SKBitmap.Decode(pngPath))
        {
            bitmap.Should().NotBeNull(pngPath);
            (bitmap.Width, bitmap.Height).Should().Be((chart.Width, chart.Height), pngPath);
        }

        var svg = XDocument.Load(svgPath).Root!;
        svg.Name.LocalName.Should().Be("svg");
        ((string?)svg.Attribute("width")).Should().Be(chart.Width.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ((string?)svg.Attribute("height")).Should().Be(chart.Height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.GetFiles(folder, "*.tmp").Should().BeEmpty("the files are written through a temporary file and a rename");
        return string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + "\n"));
    }
}
