using FluentAssertions;
using GroupNet.Cli.Charts;
using SkiaSharp;

namespace GroupNet.Tests.Cli.Charts;

public class ChartStyleTests
{
    /// <summary>Skia's portable build draws no text at all without a font under /usr/share/fonts: the pictures would
    /// still decode, with every label missing. scripts/setup.sh installs fonts-dejavu-core where it is absent.</summary>
    [Fact]
    public void Charts_label_with_an_installed_font()
    {
        SKFontManager.Default.FontFamilies.Should().Contain(ChartStyle.FontName, "run scripts/setup.sh: it installs fonts-dejavu-core");
        ChartStyle.Short(12_345_678).Should().Be("12.35M");
        ChartStyle.Short(30_500).Should().Be("30.5k");
        ChartStyle.Short(0.5).Should().Be("0.5");
    }
}
