using System.Buffers;
using System.Globalization;
using System.Text;

namespace Vigil.Postgres.Ingest;

/// <summary>Turns raw events into validated ones, collecting every error (field + index) of a batch.</summary>
public sealed class EventValidation
{
    public const int MaxEventTypeLength = 100;
    public const int MaxIdempotencyKeyLength = 200;

    private static readonly SearchValues<char> EventTypeChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-");

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    private static readonly SearchValues<char> OffsetSigns = SearchValues.Create("+-");

    private readonly IngestOptions _options;
    private readonly TimeProvider _time;

    public EventValidation(IngestOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>Null when <paramref name="eventType"/> is acceptable, else why not.</summary>
    public static string? CheckEventType(string? eventType)
    {
        if (string.IsNullOrEmpty(eventType))
        {
            return "required and must not be empty";
        }

        if (eventType.Length > MaxEventTypeLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"longer than {MaxEventTypeLength} characters ({eventType.Length})");
        }

        return eventType.AsSpan().IndexOfAnyExcept(EventTypeChars) >= 0
            ? "may only contain [A-Za-z0-9_.:-]"
            : null;
    }

    /// <summary>
    /// Validates one event. <paramref name="index"/> is used in error messages. Returns null and adds to
    /// <paramref name="errors"/> when invalid.
    /// </summary>
    public BusinessEvent? Validate(RawEvent raw, long index, List<EventError> errors, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        if (CheckEventType(raw.EventType) is { } typeError)
        {
            errors.Add(new EventError(index, "event_type", typeError));
        }

        var timestamp = default(DateTimeOffset);
        if (string.IsNullOrWhiteSpace(raw.Timestamp))
        {
            errors.Add(new EventError(index, "timestamp", "required"));
        }
        else if (!TryParseTimestamp(raw.Timestamp, out timestamp))
        {
            errors.Add(new EventError(index, "timestamp", $"'{Truncate(raw.Timestamp)}' is not an RFC 3339 timestamp with an offset (e.g. 2026-01-31T12:00:00Z) or Unix milliseconds"));
        }
        else
        {
            var current = now ?? _time.GetUtcNow();
            if (timestamp > current + _options.MaxFutureSkew)
            {
                errors.Add(new EventError(index, "timestamp", FormattableString.Invariant($"{timestamp:O} is more than {_options.MaxFutureSkew} in the future")));
            }
            else if (timestamp < current - _options.Retention)
            {
                errors.Add(new EventError(index, "timestamp", FormattableString.Invariant($"{timestamp:O} is older than the retention of {_options.Retention.TotalDays} days")));
            }
        }

        if (raw.PayloadJson is { } payload)
        {
            var bytes = Encoding.UTF8.GetByteCount(payload);
            if (bytes > _options.MaxPayloadBytes)
            {
                errors.Add(new EventError(index, "payload", FormattableString.Invariant($"{bytes} bytes exceeds the limit of {_options.MaxPayloadBytes}")));
            }
        }

        if (raw.IdempotencyKey is { } key && (key.Length == 0 || key.Length > MaxIdempotencyKeyLength))
        {
            errors.Add(new EventError(index, "idempotency_key", FormattableString.Invariant($"must be 1 to {MaxIdempotencyKeyLength} characters")));
        }

        return errors.Count == before
            ? new BusinessEvent(raw.EventType!, timestamp.ToUniversalTime(), raw.PayloadJson, raw.IdempotencyKey)
            : null;
    }

    /// <summary>RFC 3339 with an explicit offset, or Unix epoch milliseconds. A timestamp without an offset is ambiguous and rejected.</summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().Trim();
        if (span.Length > 0 && span.IndexOfAnyExcept(Digits) < 0 && long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            if (ms <= 253_402_300_799_999)
            {
                timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                return true;
            }

            timestamp = default;
            return false;
        }

        // An offset is required: 'Z' or ±hh:mm after the time part.
        var timePart = span.IndexOf('T') is var t and >= 0 ? span[t..] : span.IndexOf(' ') is var sp and >= 0 ? span[sp..] : [];
        var hasOffset = timePart.EndsWith("Z") || timePart.EndsWith("z") || timePart.LastIndexOfAny(OffsetSigns) > 0;
        if (!hasOffset)
        {
            timestamp = default;
            return false;
        }

        return DateTimeOffset.TryParse(span, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
