using ScottPlot;
using SkiaSharp;

namespace GroupNet.Cli.Charts;

/// <summary>
/// The look shared by every chart: one sans-serif font that is installed, the colours of series, tick labels
/// people read (12.3M rather than 1.23E+007).
/// </summary>
public static class ChartStyle
{
    /// <summary>Series colours (matplotlib's category 10), assigned in a fixed order so a model keeps its colour
    /// across the panels of a chart.</summary>
    public static IReadOnlyList<Color> Palette { get; } = new ScottPlot.Palettes.Category10().Colors;

    /// <summary>The colour of reference marks (the int8 network, the Pareto front).</summary>
    public static Color Reference { get; } = Colors.Black;

    /// <summary>The font every label uses. Skia's portable build (no fontconfig) finds families by scanning
    /// <c>/usr/share/fonts</c>; ScottPlot would otherwise take the first family found (on Debian a serif).
    /// With no font installed at all Skia's empty default typeface draws no text, but the pictures still render.</summary>
    public static string FontName { get; } = PickFont();

    /// <summary>Colour number <paramref name="index"/> of the palette (wrapping around).</summary>
    public static Color Series(int index) => Palette[index % Palette.Count];

    /// <summary>A new panel in the house style.</summary>
    public static Plot NewPanel()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = 11;
        plot.Axes.Title.Label.FontSize = 13;
        return plot;
    }

    /// <summary>An empty figure (ScottPlot's Multiplot starts with one blank plot: removed, so panels are only those added).</summary>
    public static Multiplot NewFigure()
    {
        var figure = new Multiplot();
        foreach (var blank in figure.GetPlots())
        {
            figure.RemovePlot(blank);
        }
        return figure;
    }

    /// <summary>A new panel in the house style, added to <paramref name="figure"/>.</summary>
    public static Plot AddPanel(Multiplot figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var plot = NewPanel();
        figure.AddPlot(plot);
        return plot;
    }

    /// <summary>Tick labels in thousands (k) and millions (M).</summary>
    public static string Short(double v) => Math.Abs(v) switch
    {
        >= 1e6 => (v / 1e6).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (v / 1e3).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "k",
        _ => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Bottom-axis ticks written with <see cref="Short"/>.</summary>
    public static void ShortTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Short };

    private static string PickFont()
    {
        var installed = SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" }.FirstOrDefault(installed.Contains)
            ?? SKTypeface.Default.FamilyName;
    }
}
