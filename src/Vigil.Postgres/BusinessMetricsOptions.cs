using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Postgres.Ingest;

namespace Vigil.Postgres;

/// <summary>Configuration of the business-metrics pipeline (ingest, per-minute aggregation, detection). Immutable, as every options type (change with <c>with</c>); validated at registration (<see cref="ValidateOrThrow"/>: <see cref="ConfigException"/> with the <c>business</c> path).</summary>
public sealed record BusinessMetricsOptions
{
    public IngestOptions Ingest { get; init; } = new();

    public AggregationOptions Aggregation { get; init; } = new();

    /// <summary>Apply pending schema migrations when the host starts. Default true; <c>vigil db migrate</c> does it explicitly.</summary>
    public bool MigrateOnStartup { get; init; } = true;

    /// <summary>
    /// Detector that scores every aggregated metric. Default: rolling 3-sigma over 180 minutes (the business-metrics
    /// design's method, explicit here rather than Vigil's general default, so its context keeps mean and σ).
    /// </summary>
    public DetectorSpec Detector { get; init; } = new("rolling_sigma", new Dictionary<string, string>());

    /// <summary>Every problem as <c>field: message</c>; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate(DetectorRegistry? detectors = null)
    {
        var errors = new List<string>();
        Ingest.Validate(errors);
        Aggregation.Validate(errors);
        if (Detector is null)
        {
            errors.Add("detector: required");
        }
        else
        {
            errors.AddRange((detectors ?? DetectorRegistry.CreateDefault()).Validate(Detector).Select(e => "detector." + e));
        }

        return errors;
    }

    /// <summary>Throws one exception listing every error, so a bad config fails start-up once, completely.</summary>
    public void ValidateOrThrow(DetectorRegistry? detectors = null)
    {
        ConfigException.ThrowIfInvalid(BusinessSection.Path, Validate(detectors));
    }
}

public sealed record IngestOptions
{
    /// <summary>When set, <c>POST /api/v1/events</c> requires <c>Authorization: Bearer &lt;token&gt;</c>. Default: none (no auth).</summary>
    public string? BearerToken { get; init; }

    /// <summary>Largest accepted request body; larger bodies get 413. Default 16 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest payload of one event (UTF-8 JSON). Default 16 KiB.</summary>
    public int MaxPayloadBytes { get; init; } = 16 * 1024;

    /// <summary>Events per request; a larger request is rejected whole. Default 100 000.</summary>
    public int MaxEventsPerRequest { get; init; } = 100_000;

    /// <summary>How far in the future an event timestamp may lie (client clock skew). Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Events older than this are rejected. Default 400 days (a year of backfill plus margin).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(400);

    internal void Validate(List<string> errors)
    {
        if (BearerToken is { Length: 0 })
        {
            errors.Add("ingest.bearer_token: must not be empty when set");
        }

        if (MaxBodyBytes < 1024)
        {
            errors.Add("ingest.max_body_bytes: must be at least 1024");
        }

        if (MaxPayloadBytes < 2)
        {
            errors.Add("ingest.max_payload_bytes: must be at least 2");
        }

        if (MaxEventsPerRequest < 1)
        {
            errors.Add("ingest.max_events_per_request: must be at least 1");
        }

        if (MaxFutureSkew < TimeSpan.Zero)
        {
            errors.Add("ingest.max_future_skew: must not be negative");
        }

        if (Retention <= TimeSpan.Zero)
        {
            errors.Add("ingest.retention: must be positive");
        }
    }
}

public sealed partial record AggregationOptions
{
    /// <summary>Run the aggregation loop in this process (it still only aggregates while it holds the leader lock). Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Time between aggregation cycles, and the longest a follower waits before taking over. Default 1 minute.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A minute is aggregated once it ended this long ago, so in-flight events of the minute arrive first. Default 5 s.</summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Events up to this far behind the watermark re-aggregate their minute; older ones are only counted and logged. Default 1 hour.</summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest number of minutes one aggregation transaction covers (bounded catch-up batches). Default 1440 (a day).</summary>
    public int MaxMinutesPerRun { get; init; } = 1440;

    /// <summary>Largest number of late (dirty) minutes re-aggregated per transaction. Default 1000.</summary>
    public int MaxDirtyMinutesPerRun { get; init; } = 1000;

    /// <summary>Largest number of minutes scored per detection transaction. Default 1440.</summary>
    public int MaxDetectionMinutesPerRun { get; init; } = 1440;

    /// <summary>First minute to aggregate on a fresh database. Default: the earliest event's minute.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Event types to aggregate. Default: every event type seen.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>
    /// Per event type, a numeric payload field to sum per minute as metric <c>{event_type}:sum:{field}</c>
    /// (e.g. <c>order_placed → amount</c>). Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string> SumFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Advisory lock key of the leader lease. Change only to run two independent pipelines in one database.</summary>
    public long LeaderLockKey { get; init; } = BusinessMetricsConstants.LeaderLockKey;

    internal void Validate(List<string> errors)
    {
        if (Interval < TimeSpan.FromSeconds(1))
        {
            errors.Add("aggregation.interval: must be at least 1s");
        }

        if (SettleDelay < TimeSpan.Zero || SettleDelay > TimeSpan.FromHours(1))
        {
            errors.Add("aggregation.settle_delay: must be between 0 and 1h");
        }

        if (AllowedLateness < TimeSpan.Zero)
        {
            errors.Add("aggregation.allowed_lateness: must not be negative");
        }

        if (MaxMinutesPerRun is < 1 or > 1_000_000)
        {
            errors.Add("aggregation.max_minutes_per_run: must be between 1 and 1000000");
        }

        if (MaxDirtyMinutesPerRun is < 1 or > 1_000_000)
        {
            errors.Add("aggregation.max_dirty_minutes_per_run: must be between 1 and 1000000");
        }

        if (MaxDetectionMinutesPerRun is < 1 or > 1_000_000)
        {
            errors.Add("aggregation.max_detection_minutes_per_run: must be between 1 and 1000000");
        }

        if (StartAt is { } start && start.UtcTicks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add("aggregation.start_at: must be a whole minute");
        }

        if (EventTypes is not null)
        {
            if (EventTypes.Count == 0)
            {
                errors.Add("aggregation.event_types: must not be empty when set (omit it to aggregate every type)");
            }

            for (var i = 0; i < EventTypes.Count; i++)
            {
                if (EventValidation.CheckEventType(EventTypes[i]) is { } message)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"aggregation.event_types[{i}]: {message}"));
                }
            }
        }

        foreach (var (type, field) in SumFields ?? new Dictionary<string, string>())
        {
            if (EventValidation.CheckEventType(type) is { } message)
            {
                errors.Add($"aggregation.sum_fields.{type}: {message}");
            }

            if (string.IsNullOrEmpty(field) || !FieldName().IsMatch(field))
            {
                errors.Add($"aggregation.sum_fields.{type}: field '{field}' must match [A-Za-z0-9_]{{1,64}}");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex FieldName();
}
