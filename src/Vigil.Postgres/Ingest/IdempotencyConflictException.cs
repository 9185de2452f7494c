namespace Vigil.Postgres.Ingest;

/// <summary>
/// An idempotency key was reused for different content: a per-event <c>idempotency_key</c> already stored (or
/// repeated in the same batch) for another event, or an <c>Idempotency-Key</c> header already accepted with other
/// events. Nothing of the batch was stored. The HTTP API answers 422 (see docs/business-metrics.md).
/// </summary>
public sealed class IdempotencyConflictException : Exception
{
    public IdempotencyConflictException(string idempotencyKey, int? index, string message)
        : base(message)
    {
        IdempotencyKey = idempotencyKey;
        Index = index;
    }

    public IdempotencyConflictException()
        : this(string.Empty, null, "idempotency key reused with different content")
    {
    }

    public IdempotencyConflictException(string message)
        : this(string.Empty, null, message)
    {
    }

    public IdempotencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        IdempotencyKey = string.Empty;
    }

    /// <summary>The reused key (per-event key or request key).</summary>
    public string IdempotencyKey { get; }

    /// <summary>Position of the conflicting event in the batch (the line number for imports); null for a request key.</summary>
    public int? Index { get; }
}
