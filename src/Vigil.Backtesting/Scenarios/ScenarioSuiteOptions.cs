namespace Vigil.Backtesting.Scenarios;

/// <summary>What <see cref="ScenarioGenerator"/> builds: every <see cref="SeriesKind"/> × <see cref="SeriesPerKind"/> series.</summary>
public sealed record ScenarioSuiteOptions
{
    /// <summary>Suite seed: the same seed gives the same series, bit for bit. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Series generated per kind. Default 4 (28 series).</summary>
    public int SeriesPerKind { get; init; } = 4;

    /// <summary>Days per series, one point a minute. The first day is history; the last 12 hours follow the level shift. Default 7.</summary>
    public int Days { get; init; } = 7;

    /// <summary>Timestamp of the first point: a Monday, so weekends fall on days 5 and 6. Default 2026-01-05T00:00Z.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>False generates the same series without incidents (the noise of every point is unchanged). Default true.</summary>
    public bool InjectIncidents { get; init; } = true;

    /// <summary>The reduced suite CI runs: 2 series per kind over 4 days (about 80 000 points, well under a second per detector).</summary>
    public static ScenarioSuiteOptions Reduced { get; } = new() { SeriesPerKind = 2, Days = 4 };

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SeriesPerKind is < 1 or > 1000)
        {
            errors.Add("series per kind must be between 1 and 1000");
        }

        if (Days is < 3 or > 60)
        {
            errors.Add("days must be between 3 and 60 (one day of history, incidents, then 12 h after the level shift)");
        }

        return errors;
    }
}
