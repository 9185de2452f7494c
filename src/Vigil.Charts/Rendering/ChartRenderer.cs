using ScottPlot;

namespace Vigil.Charts.Rendering;

/// <summary>
/// Draws a <see cref="ChartData"/>: the value line, the expected line, the shaded expected band, red anomaly markers,
/// a title, a time axis in the requested zone and a legend, as PNG or SVG. Stateless and thread-safe: each call builds
/// its own <see cref="Plot"/>.
/// </summary>
public static class ChartRenderer
{
    private static readonly Color ValueColor = Color.FromHex("#1f77b4");
    private static readonly Color ExpectedColor = Color.FromHex("#555555");
    private static readonly Color BandColor = Color.FromHex("#1f77b4").WithAlpha(0.18);

    // Before the first Plot: ScottPlot resolves (and caches) typefaces when a plot's labels are created.
    static ChartRenderer() => ChartFonts.EnsureRegistered();

    /// <summary>The image bytes (PNG, or UTF-8 SVG).</summary>
    /// <exception cref="ArgumentException">The options break <see cref="ChartLimits"/>, or there is nothing to draw.</exception>
    public static byte[] Render(ChartData data, ChartImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        if (data.Points.Count == 0)
        {
            throw new ArgumentException("no points to draw", nameof(data));
        }

        if (data.Points.Count > ChartLimits.MaxPoints)
        {
            throw new ArgumentException($"at most {ChartLimits.MaxPoints} points per chart, got {data.Points.Count}", nameof(data));
        }

        using var plot = Build(data, options.TimeZone);
        return options.Format == ChartFormat.Svg
            ? System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(options.Width, options.Height))
            : plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }

    private static Plot Build(ChartData data, TimeZoneInfo zone)
    {
        var points = data.Points;
        var xs = new double[points.Count];
        var ys = new double[points.Count];
        var bandCount = 0;
        for (var i = 0; i < points.Count; i++)
        {
            xs[i] = AxisTime(points[i].TimestampMs, zone);
            ys[i] = points[i].Value;
            if (HasBand(points[i]))
            {
                bandCount++;
            }
        }

        var plot = new Plot();
        try
        {
            // Not plot.Font.Set: it disposes the typeface it looks up, which ScottPlot also caches. Fonts.Default and the
            // resolver (ChartFonts) already make every label DejaVu Sans.
            if (bandCount > 0)
            {
                // Band and expected line only where the detector produced them (not during warm-up).
                var bx = new double[bandCount];
                var expected = new double[bandCount];
                var lower = new double[bandCount];
                var upper = new double[bandCount];
                for (int i = 0, j = 0; i < points.Count; i++)
                {
                    if (HasBand(points[i]))
                    {
                        bx[j] = xs[i];
                        expected[j] = points[i].Expected;
                        lower[j] = points[i].Lower;
                        upper[j] = points[i].Upper;
                        j++;
                    }
                }

                var band = plot.Add.FillY(bx, lower, upper);
                band.FillColor = BandColor;
                band.LineWidth = 0;
                band.LegendText = "expected band";
                var line = plot.Add.SignalXY(bx, expected);
                line.Color = ExpectedColor;
                line.LineWidth = 1.2f;
                line.LinePattern = LinePattern.Dashed;
                line.LegendText = "expected";
            }

            var value = plot.Add.SignalXY(xs, ys);
            value.Color = ValueColor;
            value.LineWidth = 1.5f;
            value.LegendText = data.ValueName;

            if (data.Anomalies.Count > 0)
            {
                var ax = new double[data.Anomalies.Count];
                var ay = new double[data.Anomalies.Count];
                for (var i = 0; i < ax.Length; i++)
                {
                    ax[i] = AxisTime(data.Anomalies[i].TimestampMs, zone);
                    ay[i] = data.Anomalies[i].Value;
                }

                var markers = plot.Add.ScatterPoints(ax, ay);
                markers.Color = Colors.Red;
                markers.MarkerSize = 8;
                markers.MarkerShape = MarkerShape.FilledCircle;
                markers.LegendText = "anomaly (score > 1)";
            }

            plot.Title(data.Title);
            plot.Axes.Title.Label.Bold = true;
            plot.Axes.Title.Label.FontSize = 16;
            var axis = plot.Axes.DateTimeTicksBottom();
            if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
            {
                var span = TimeSpan.FromMilliseconds(points[^1].TimestampMs - points[0].TimestampMs);
                ticks.LabelFormatter = time => TickLabel(time, span);
            }

            plot.XLabel($"time ({zone.Id})");
            plot.YLabel("value");
            plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
            plot.ShowLegend(Alignment.UpperLeft);
            return plot;
        }
        catch
        {
            plot.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Tick labels that are unambiguous in every locale (never 01/02/2026) and only as long as the span needs:
    /// seconds for a few minutes, HH:mm within a day, then the day (Jan 2) with the time only where a tick falls
    /// inside a day, then months.
    /// </summary>
    internal static string TickLabel(DateTime time, TimeSpan span)
    {
        var format = span <= TimeSpan.FromMinutes(10) ? "HH:mm:ss"
            : span <= TimeSpan.FromDays(1) ? "HH:mm"
            : span > TimeSpan.FromDays(180) ? "yyyy-MM"
            : time.TimeOfDay == TimeSpan.Zero ? "MMM d"
            : "MMM d HH:mm";
        return time.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool HasBand(in ChartPoint p) => double.IsFinite(p.Expected) && double.IsFinite(p.Lower) && double.IsFinite(p.Upper);

    /// <summary>
    /// ScottPlot's time axis reads OLE automation dates of wall-clock time; converting each instant into the zone's
    /// wall clock first makes the tick labels (which ScottPlot formats per span: seconds, HH:mm, dates) read in
    /// that zone, daylight-saving shifts included.
    /// </summary>
    internal static double AxisTime(long timestampMs, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(timestampMs), zone).DateTime.ToOADate();
}
