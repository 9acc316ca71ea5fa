using ScottPlot;
using SkiaSharp;

namespace GroupNet.Cli.Charts;

/// <summary>
/// A horizontal or vertical line across the data area, drawn as separate dashes. ScottPlot's own dashed lines use a
/// Skia path effect that Skia's SVG backend drops (it prints "Unsupported path effect" and draws the line solid), so
/// this line draws each dash itself: the same dashes in the SVG as in the PNG.
/// </summary>
public sealed class DashedReferenceLine : IPlottable
{
    private const float Dash = 7, Gap = 5;

    /// <summary>A horizontal line at <paramref name="y"/> (<paramref name="horizontal"/>) or a vertical one at x = <paramref name="value"/>.</summary>
    public DashedReferenceLine(double value, bool horizontal, Color color, float width)
    {
        Value = value;
        Horizontal = horizontal;
        Color = color;
        Width = width;
    }

    public double Value { get; }

    public bool Horizontal { get; }

    public Color Color { get; }

    public float Width { get; }

    public bool IsVisible { get; set; } = true;

    public IAxes Axes { get; set; } = new ScottPlot.Axes();

    /// <summary>None: a reference line is explained by a legend item of its own.</summary>
    public IEnumerable<LegendItem> LegendItems => [];

    /// <summary>The line's one coordinate, so that autoscaling keeps it in view.</summary>
    public AxisLimits GetAxisLimits() => Horizontal
        ? new AxisLimits(double.NaN, double.NaN, Value, Value)
        : new AxisLimits(Value, Value, double.NaN, double.NaN);

    public void Render(RenderPack rp)
    {
        ArgumentNullException.ThrowIfNull(rp);
        var area = rp.DataRect;
        float at = Horizontal ? Axes.GetPixelY(Value) : Axes.GetPixelX(Value);
        float from = Horizontal ? area.Left : area.Top, to = Horizontal ? area.Right : area.Bottom;
        if (at < (Horizontal ? area.Top : area.Left) || at > (Horizontal ? area.Bottom : area.Right))
        {
            return;
        }
        using var paint = new SKPaint { Color = Color.ToSKColor(), StrokeWidth = Width, IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (float p = from; p < to; p += Dash + Gap)
        {
            float end = Math.Min(p + Dash, to);
            if (Horizontal)
            {
                rp.Canvas.DrawLine(p, at, end, at, paint);
            }
            else
            {
                rp.Canvas.DrawLine(at, p, at, end, paint);
            }
        }
    }
}
