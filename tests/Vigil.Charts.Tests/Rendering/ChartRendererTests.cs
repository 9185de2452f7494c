using System.Text;
using Vigil.Charts.Rendering;

namespace Vigil.Charts.Tests.Rendering;

public sealed class ChartRendererTests
{
    private const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    [Fact]
    public void Render_Png_HasTheRequestedSize()
    {
        var png = ChartRenderer.Render(CreateData("sizes"), new ChartImageOptions { Width = 640, Height = 320 });

        using var image = new PngImage(png);
        Assert.Equal(640, image.Width);
        Assert.Equal(320, image.Height);
    }

    [Fact]
    public void Render_Title_IsDrawnInTheTitleArea()
    {
        // Two charts that differ only in the title text: if the title's glyphs were not drawn (no font found), the
        // title band would be identical, and empty of dark pixels.
        var options = new ChartImageOptions { Width = 800, Height = 400 };
        using var first = new PngImage(ChartRenderer.Render(CreateData("Checkout latency p99"), options));
        using var second = new PngImage(ChartRenderer.Render(CreateData("Signup rate per min"), options));

        const int titleBand = 40;
        Assert.True(first.DarkPixels(0, 0, first.Width, titleBand) > 200, "no dark pixels in the title band: the title text was not drawn");
        Assert.True(first.DifferingPixels(second, 0, 0, first.Width, titleBand) > 200, "different titles rendered identically: the title text was not drawn");
    }

    [Fact]
    public void Render_AxisAndLegendText_IsDrawnWithoutSystemFonts()
    {
        // Every family name resolves to the embedded faces, so no label depends on what /usr/share/fonts holds.
        ChartFonts.EnsureRegistered();

        var regular = ScottPlot.Fonts.GetTypeface("No Such Family", false, false);
        var bold = ScottPlot.Fonts.GetTypeface("No Such Family", true, false);

        Assert.Equal(ChartFonts.Family, regular.FamilyName);
        Assert.Equal(ChartFonts.Family, bold.FamilyName);
        Assert.True(bold.FontStyle.Weight >= (int)SkiaSharp.SKFontStyleWeight.Bold, $"bold face weight {bold.FontStyle.Weight}");
        Assert.True(regular.FontStyle.Weight < (int)SkiaSharp.SKFontStyleWeight.SemiBold, $"regular face weight {regular.FontStyle.Weight}");
    }

    [Fact]
    public void BoldFace_TitleInBold_IsDrawnHeavierThanRegular()
    {
        // The registered bold face is a real bold (not the regular one reused): the same title covers far more pixels.
        ChartFonts.EnsureRegistered();

        var bold = TitleInk(bold: true);
        var regular = TitleInk(bold: false);

        Assert.True(regular > 100, $"regular title drew {regular} dark pixels");
        Assert.True(bold > regular * 1.5, $"bold {bold} vs regular {regular} dark pixels");
    }

    [Fact]
    public void Render_Anomalies_AreRedMarkers()
    {
        var options = new ChartImageOptions { Width = 800, Height = 400 };
        var data = CreateData("markers");
        using var without = new PngImage(ChartRenderer.Render(data, options));
        using var with = new PngImage(ChartRenderer.Render(data with { Anomalies = [new ChartMarker(Start + (30 * 60_000), 150)] }, options));

        Assert.Equal(0, without.RedPixels());
        Assert.True(with.RedPixels() > 20, $"only {with.RedPixels()} red pixels");
    }

    [Fact]
    public void Render_Svg_IsAnSvgDocumentOfTheRequestedSize()
    {
        var svg = Encoding.UTF8.GetString(ChartRenderer.Render(CreateData("svg chart"), new ChartImageOptions { Format = ChartFormat.Svg, Width = 500, Height = 300 }));

        var root = System.Xml.Linq.XDocument.Parse(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal("500", root.Attribute("width")?.Value);
        Assert.Equal("300", root.Attribute("height")?.Value);
    }

    [Theory]
    [InlineData(199, 300, "width")]
    [InlineData(4001, 300, "width")]
    [InlineData(800, 149, "height")]
    [InlineData(800, 100_000, "height")]
    public void Render_SizeOutOfBounds_Throws(int width, int height, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => ChartRenderer.Render(CreateData("x"), new ChartImageOptions { Width = width, Height = height }));

        Assert.StartsWith(field + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoPoints_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => ChartRenderer.Render(new ChartData { Title = "empty", Points = [] }, new ChartImageOptions()));

        Assert.Contains("no points", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AxisTime_InAZone_IsThatZonesWallClock()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        // 2026-07-01T12:00:00Z is 14:00 in Berlin (CEST); 2026-01-01T12:00:00Z is 13:00 (CET).
        var summer = DateTime.FromOADate(ChartRenderer.AxisTime(1_782_907_200_000, berlin));
        var winter = DateTime.FromOADate(ChartRenderer.AxisTime(Start + (12 * 3_600_000), berlin));

        Assert.Equal(new DateTime(2026, 7, 1, 14, 0, 0, DateTimeKind.Unspecified), summer);
        Assert.Equal(new DateTime(2026, 1, 1, 13, 0, 0, DateTimeKind.Unspecified), winter);
    }

    [Theory]
    [InlineData(5, "13:04:05")]
    [InlineData(600, "13:04")]
    [InlineData(3 * 1440, "Jan 2 13:04")]
    [InlineData(400 * 1440, "2026-01")]
    public void TickLabel_Span_PicksAnUnambiguousFormat(int spanMinutes, string expected)
    {
        Assert.Equal(expected, ChartRenderer.TickLabel(new DateTime(2026, 1, 2, 13, 4, 5, DateTimeKind.Unspecified), TimeSpan.FromMinutes(spanMinutes)));
    }

    [Fact]
    public void TickLabel_MidnightOverDays_IsTheDayOnly()
    {
        Assert.Equal("Jan 2", ChartRenderer.TickLabel(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Unspecified), TimeSpan.FromDays(7)));
    }

    [Fact]
    public void FromScored_ScoreAboveOne_IsAnAnomaly()
    {
        var data = ChartData.FromScored("t", "v", [
            new ScoredChartPoint(Start, 1, 1, 0, 2, 0.5),
            new ScoredChartPoint(Start + 60_000, 5, 1, 0, 2, 1.0),
            new ScoredChartPoint(Start + 120_000, 9, 1, 0, 2, 4.0),
        ]);

        var marker = Assert.Single(data.Anomalies);
        Assert.Equal(new ChartMarker(Start + 120_000, 9), marker);
        Assert.Equal(3, data.Points.Count);
    }

    private static int TitleInk(bool bold)
    {
        using var plot = new ScottPlot.Plot();
        plot.Add.Signal(new double[] { 1, 2, 3 });
        plot.Title("Metric Analysis: orders");
        plot.Axes.Title.Label.Bold = bold;
        plot.Axes.Title.Label.FontSize = 16;
        using var image = new PngImage(plot.GetImageBytes(600, 300, ScottPlot.ImageFormat.Png));
        return image.DarkPixels(0, 0, 600, 40);
    }

    internal static ChartData CreateData(string title, int points = 120)
    {
        var data = new ChartPoint[points];
        for (var i = 0; i < points; i++)
        {
            var expected = 100 + (10 * Math.Sin(i / 10.0));
            // The first ten points are warm-up: no band yet.
            data[i] = i < 10
                ? new ChartPoint(Start + (i * 60_000L), expected + 1)
                : new ChartPoint(Start + (i * 60_000L), expected + ((i % 7) - 3), expected, expected - 8, expected + 8);
        }

        return new ChartData { Title = title, ValueName = "{service=\"checkout\"}", Points = data };
    }
}
