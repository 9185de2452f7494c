namespace Vigil.Postgres.Ingest;

/// <summary>
/// An idempotency key was reused for different content: a per-event <c>idempotency_key</c> already stored (or
/// repeated in the same batch) for another event, or an <c>Idempotency-Key</c> header already accepted with other
/// events. Nothing of the batch was stored. The HTTP API answers 422 (see docs/business-metrics.md).
/// </summary>
public sealed class IdempotencyConflictException : Exception
{
    /// <param name="idempotencyKey">The reused key.</param>
    /// <param name="index">The conflicting event's position, or null for a request key.</param>
    /// <param name="where">Where the conflict is, as the caller names it (<c>events[3]</c>, <c>line 12</c>), or null.</param>
    /// <param name="reason">What was reused for what, without the location.</param>
    public IdempotencyConflictException(string idempotencyKey, int? index, string? where, string reason)
        : base(where is null ? reason : $"{where}: {reason}")
    {
        IdempotencyKey = idempotencyKey;
        Index = index;
        Reason = reason;
    }

    public IdempotencyConflictException()
        : this(string.Empty, null, null, "idempotency key reused with different content")
    {
    }

    public IdempotencyConflictException(string message)
        : this(string.Empty, null, null, message)
    {
    }

    public IdempotencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        IdempotencyKey = string.Empty;
        Reason = message;
    }

    /// <summary>The reused key (per-event key or request key).</summary>
    public string IdempotencyKey { get; }

    /// <summary>The message without its location, for callers that name the location their own way.</summary>
    public string Reason { get; }

    /// <summary>Position of the conflicting event in the batch (the line number for imports); null for a request key.</summary>
    public int? Index { get; }
}
