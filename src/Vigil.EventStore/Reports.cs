namespace Vigil.EventStore;

/// <summary>One inspection round's report. Saving a round id again replaces the report (a retried save is harmless).</summary>
public sealed record InspectionReport
{
    public required string RoundId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>The report as JSON (alerts, per-sensor counts, shadow flag, ...); validated as JSON, stored as written.</summary>
    public required string Body { get; init; }

    /// <summary>What went wrong in the round (sensor errors and time-outs); empty for a clean round.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}

public enum AlertStatus : byte
{
    Firing = 0,
    Resolved = 1,
}

/// <summary>
/// The delivery state of one alert. <see cref="FirstSentAt"/> is kept from the first write of a key; every later
/// write updates status, last send and payload.
/// </summary>
public sealed record AlertState
{
    public required string Key { get; init; }

    public required AlertStatus Status { get; init; }

    public required DateTimeOffset FirstSentAt { get; init; }

    public required DateTimeOffset LastSentAt { get; init; }

    /// <summary>The alert as last sent (JSON: labels, annotations, startsAt/endsAt).</summary>
    public required string Payload { get; init; }

    /// <summary>Set by the store on every write; ignored when saving.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A log template seen for the first time by a source's miner (<c>logs:</c>); ids are stable across restarts.</summary>
public sealed record LogTemplateRecord
{
    public required string Source { get; init; }

    public required long TemplateId { get; init; }

    /// <summary>The template text (<c>&lt;*&gt;</c> for variables), at most <see cref="EventStoreLimits.MaxTemplateLength"/> characters.</summary>
    public required string Template { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>Set by the store when first written; ignored when recording.</summary>
    public DateTimeOffset RecordedAt { get; init; }
}
