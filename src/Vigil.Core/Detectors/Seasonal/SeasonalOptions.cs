using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Seasonal;

/// <summary>Which calendar buckets the profile keeps.</summary>
public enum SeasonalProfile : byte
{
    /// <summary>24 buckets: hour of the local day.</summary>
    HourOfDay = 0,

    /// <summary>168 buckets: hour of the local week (weekdays and weekends learn separately).</summary>
    HourOfWeek = 1,
}

/// <summary>
/// A calendar baseline: per local hour-of-day (or hour-of-week) bucket, an exponentially weighted mean and variance.
/// Buckets follow the wall clock of <see cref="TimeZone"/>, so daily peaks stay in their bucket across
/// daylight-saving changes (the business-metrics design's "same time yesterday / last week").
/// </summary>
public sealed record SeasonalOptions
{
    public const double DefaultK = 5.5;
    public const double DefaultAlpha = 0.05;
    public const int DefaultMinBucketPoints = 6;

    /// <summary>IANA (or Windows) time zone id, e.g. <c>Europe/Berlin</c>. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Default <see cref="SeasonalProfile.HourOfDay"/>: it needs a day of history, hour-of-week a week.</summary>
    public SeasonalProfile Profile { get; init; } = SeasonalProfile.HourOfDay;

    /// <summary>Band half-width in bucket standard deviations. Default 5.5.</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Forgetting weight per bucket observation once the bucket is warm. Default 0.05.</summary>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Observations a bucket needs before it scores. Default 6.</summary>
    public int MinBucketPoints { get; init; } = DefaultMinBucketPoints;

    /// <summary>Scale floor as a fraction of the range seen so far (see RangeTracker): quantised or flat series do not score every wiggle. Default 0.02.</summary>
    public double RangeFloor { get; init; } = 0.02;

    /// <summary>The shared contract parameters: shift test and <c>adapt_after</c> (see <see cref="ContractOptions"/>); the shift test is off unless configured.</summary>
    public ContractOptions Contract { get; init; } = ContractOptions.WithoutShift;
}
