using Vigil.Configuration;

namespace Vigil.Pipeline.History;

/// <summary><c>history</c> → <see cref="RecentHistoryOptions"/>: how much verdict history each series keeps for charts (stored only when present).</summary>
public sealed class HistorySection : IConfigSection
{
    public const string Path = "history";

    /// <summary>Longer than a week of points per series would be a memory decision better made by querying the source.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(7);

    /// <summary>A week at a one-minute step; 242 KB a series at 24 bytes a point.</summary>
    public const int MaxPointsPerSeries = 10_080;

    /// <summary>Upper bound of <c>max_bytes</c> (64 GiB): a typo with three zeros too many is refused, not allocated.</summary>
    public const double MaxBytes = 64d * 1024 * 1024 * 1024;

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Mapping(Path) is not { } map)
        {
            return;
        }

        var defaults = new RecentHistoryOptions();
        var y = context.Reader;
        y.RejectUnknown(map, Path, "retention", "max_points_per_series", "max_bytes");
        var maxBytes = y.Double(map, Path, "max_bytes", HistoryPoint.Bytes * RecentHistoryOptions.MinPointsPerSeries, MaxBytes);
        if (maxBytes is { } b && b != Math.Floor(b))
        {
            y.Errors.Add($"{Path}.max_bytes: must be a whole number of bytes (got {b.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }

        var options = new RecentHistoryOptions
        {
            Retention = y.Duration(map, Path, "retention", TimeSpan.Zero, MaxRetention) ?? defaults.Retention,
            MaxPointsPerSeries = y.Int(map, Path, "max_points_per_series", 1, MaxPointsPerSeries) ?? defaults.MaxPointsPerSeries,
            MaxBytes = maxBytes is { } bytes ? (long)bytes : defaults.MaxBytes,
        };
        foreach (var error in options.Validate())
        {
            y.Errors.Add(error);
        }

        context.Set(options);
    }
}
