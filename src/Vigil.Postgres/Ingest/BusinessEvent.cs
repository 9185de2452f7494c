namespace Vigil.Postgres.Ingest;

/// <summary>A validated event, ready to insert. <see cref="Timestamp"/> is UTC; <see cref="PayloadJson"/> is a JSON object or null.</summary>
public sealed record BusinessEvent(string EventType, DateTimeOffset Timestamp, string? PayloadJson = null, string? IdempotencyKey = null);

/// <summary>An event as a client sent it, before validation. Any field may be missing or malformed.</summary>
public sealed record RawEvent(string? EventType, string? Timestamp, string? PayloadJson, string? IdempotencyKey);

/// <summary>One problem with one event: <see cref="Index"/> is the 0-based position in the request (or the line number for imports).</summary>
public sealed record EventError(long Index, string Field, string Message)
{
    public override string ToString() => FormattableString.Invariant($"[{Index}].{Field}: {Message}");
}

/// <summary>Outcome of one all-or-nothing ingest batch.</summary>
public sealed record IngestResult(
    int Received,
    int Inserted,
    int Duplicates,
    int LateReaggregated,
    int TooLate,
    bool Replayed);
