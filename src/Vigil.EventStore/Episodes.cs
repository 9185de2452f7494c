using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.EventStore;

/// <summary>
/// One anomaly episode of one series, from its onset to its last anomalous point (<see cref="End"/> is null while
/// it is open). Identified by (<see cref="Source"/>, <see cref="Job"/>, <see cref="Series"/>, <see cref="Detector"/>,
/// <see cref="Start"/>): recording the same identity again updates it. Timestamps are stored to the millisecond.
/// </summary>
public sealed record AnomalyEpisode
{
    /// <summary>Assigned by the store; ignored when recording.</summary>
    public long Id { get; init; }

    /// <summary>Where the verdicts came from: <c>prometheus</c>, <c>business</c>, <c>inspection</c>, ...</summary>
    public required string Source { get; init; }

    public required string Job { get; init; }

    public required Labels Series { get; init; }

    public required string Detector { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>The last anomalous point of a closed episode; null while the episode is open.</summary>
    public DateTimeOffset? End { get; init; }

    public required DateTimeOffset PeakAt { get; init; }

    public required double PeakScore { get; init; }

    public required double PeakValue { get; init; }

    public required double PeakExpected { get; init; }

    /// <summary>The test that fired at the peak (point, shift, range).</summary>
    public required AnomalyTest Test { get; init; }

    public int AnomalousPoints { get; init; }

    /// <summary>Free-form JSON (detector context: mean, σ, band, ...); validated as JSON, stored as written.</summary>
    public string? Context { get; init; }

    /// <summary>Set by the store on every write; ignored when recording.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// A page request for episodes, newest first (by start, then id). Every filter is optional; the range keeps episodes
/// that overlap [<see cref="From"/>, <see cref="To"/>] (an open episode extends to the present).
/// </summary>
public sealed record EpisodeQuery
{
    public string? Source { get; init; }

    public string? Job { get; init; }

    /// <summary>Exact series (all labels equal).</summary>
    public Labels? Series { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Only episodes that are still open.</summary>
    public bool OpenOnly { get; init; }

    /// <summary>Page size, 1..<see cref="EventStoreLimits.MaxPageSize"/>.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The <see cref="EpisodePage.NextPageToken"/> of the previous page; null for the first page.</summary>
    public string? PageToken { get; init; }
}

/// <param name="Items">Newest first.</param>
/// <param name="NextPageToken">Pass as <see cref="EpisodeQuery.PageToken"/> for the next page; null on the last page.</param>
public sealed record EpisodePage(IReadOnlyList<AnomalyEpisode> Items, string? NextPageToken);
