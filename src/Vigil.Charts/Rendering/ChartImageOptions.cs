using System.Globalization;

namespace Vigil.Charts.Rendering;

/// <summary>Output format of a chart.</summary>
public enum ChartFormat
{
    Png,
    Svg,
}

/// <summary>Size, format and time zone of one rendered chart; <see cref="Validate"/> enforces <see cref="ChartLimits"/>.</summary>
public sealed record ChartImageOptions
{
    public int Width { get; init; } = ChartLimits.DefaultWidth;

    public int Height { get; init; } = ChartLimits.DefaultHeight;

    public ChartFormat Format { get; init; } = ChartFormat.Png;

    /// <summary>Zone of the time axis' labels. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Every violated limit, one message each naming the parameter; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Width is < ChartLimits.MinWidth or > ChartLimits.MaxWidth)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"width: must be from {ChartLimits.MinWidth} to {ChartLimits.MaxWidth} pixels, got {Width}"));
        }

        if (Height is < ChartLimits.MinHeight or > ChartLimits.MaxHeight)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"height: must be from {ChartLimits.MinHeight} to {ChartLimits.MaxHeight} pixels, got {Height}"));
        }

        return errors;
    }
}

/// <summary>The bounds every chart request is held to (docs/charts.md).</summary>
public static class ChartLimits
{
    public const int DefaultWidth = 1200;
    public const int DefaultHeight = 600;

    // Below this the axes, title and legend leave no room for the data.
    public const int MinWidth = 200;
    public const int MinHeight = 150;

    // 4000×3000 is a 48 MB RGBA surface: enough for a poster, small enough that a few concurrent requests cannot
    // exhaust memory.
    public const int MaxWidth = 4000;
    public const int MaxHeight = 3000;

    /// <summary>
    /// Most points drawn in one chart. Above the Prometheus limit of 11,000 points per series (a re-scored range is
    /// bounded by it) and far above the pixels of the widest chart, so it only stops abuse of the gRPC service.
    /// </summary>
    public const int MaxPoints = 100_000;
}
