using ScottPlot;
using SkiaSharp;

namespace GroupNet.Cli.Charts;

/// <summary>
/// One picture: ScottPlot panels laid out on a fixed-size canvas, written as <c>NAME.svg</c> and <c>NAME.png</c>
/// side by side (the SVG for zooming and diffing, the PNG for Markdown viewers and README pages).
/// </summary>
/// <param name="Name">File name without extension, e.g. <c>accuracy-vs-instructions</c>.</param>
/// <param name="Figure">The panels and their layout.</param>
/// <param name="Width">Canvas width in pixels (the PNG's size, the SVG's width attribute).</param>
/// <param name="Height">Canvas height in pixels.</param>
public sealed record ChartImage(string Name, Multiplot Figure, int Width, int Height)
{
    /// <summary>The SVG file name.</summary>
    public string SvgFile => Name + ".svg";

    /// <summary>The PNG file name.</summary>
    public string PngFile => Name + ".png";

    /// <summary>The panels, in layout order.</summary>
    public IReadOnlyList<Plot> Panels => Figure.GetPlots();

    /// <summary>Writes the SVG and the PNG into <paramref name="folder"/> (each through a temporary file and a rename,
    /// so a reader never sees half a picture); returns the two paths.</summary>
    public (string Svg, string Png) Write(string folder)
    {
        Directory.CreateDirectory(folder);
        string svg = Path.Combine(folder, SvgFile), png = Path.Combine(folder, PngFile);
        WriteAtomic(svg, stream =>
        {
            // The canvas must be disposed before the stream: Skia writes the closing </svg> on dispose.
            using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream);
            Figure.Render(canvas, new PixelRect(0, Width, Height, 0));
        });
        WriteAtomic(png, stream =>
        {
            using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
            Figure.Render(surface.Canvas, new PixelRect(0, Width, Height, 0));
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        });
        return (svg, png);
    }

    private static void WriteAtomic(string path, Action<Stream> write)
    {
        string temp = path + $".{Environment.ProcessId}.tmp";
        using (var stream = File.Create(temp))
        {
            write(stream);
        }
        File.Move(temp, path, overwrite: true);
    }
}
