using System.Text;
using System.Text.Json;
using Vigil.Core.Text;

namespace Vigil.Postgres.Ingest;

/// <summary>
/// Parses request bodies: a JSON array of event objects, or NDJSON (one object per line). Every structural
/// problem becomes an <see cref="EventError"/> naming the index and field, so a client can fix all of them at once.
/// </summary>
public static class EventParser
{
    /// <summary>The CSV columns <c>vigil events import</c> accepts, as its help and the docs show them (<c>event_timestamp</c> is accepted for <c>timestamp</c>).</summary>
    public const string CsvColumns = "event_type,timestamp[,payload][,idempotency_key]";

    private static readonly JsonDocumentOptions DocumentOptions = JsonDiagnostics.DocumentOptions;

    /// <summary>Parses a body; the format is chosen by its first non-blank byte (<c>[</c>: array, else NDJSON).</summary>
    public static List<RawEvent> Parse(ReadOnlyMemory<byte> body, List<EventError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var span = body.Span;
        var first = span.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0)
        {
            errors.Add(new EventError(0, "$", "body is empty"));
            return [];
        }

        return span[first] == (byte)'[' ? ParseArray(body, errors) : ParseNdjson(body, errors);
    }

    private static List<RawEvent> ParseArray(ReadOnlyMemory<byte> body, List<EventError> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            // The parser stops at the first problem; say in which event it is and where, in the client's terms.
            var (index, offset, reason) = JsonDiagnostics.Locate(body.Span, array: true);
            errors.Add(new EventError(index, "$", JsonDiagnostics.Describe(offset, reason)));
            return [];
        }

        using (document)
        {
            var events = new List<RawEvent>(document.RootElement.GetArrayLength());
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (ReadEvent(element, index, errors) is { } raw)
                {
                    events.Add(raw);
                }

                index++;
            }

            return events;
        }
    }

    private static List<RawEvent> ParseNdjson(ReadOnlyMemory<byte> body, List<EventError> errors)
    {
        var events = new List<RawEvent>();
        var rest = body;
        var index = 0;
        var lineStart = 0L;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            var start = lineStart;
            lineStart += line.Length + 1;
            if (line.Span.IndexOfAnyExcept(" \t\r"u8) < 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line, DocumentOptions);
                if (ReadEvent(document.RootElement, index, errors) is { } raw)
                {
                    events.Add(raw);
                }
            }
            catch (JsonException)
            {
                var (_, offset, reason) = JsonDiagnostics.Locate(line.Span, array: false);
                errors.Add(new EventError(index, "$", JsonDiagnostics.Describe(start + offset, reason)));
            }

            index++;
        }

        return events;
    }

    /// <summary>Reads one event object; returns null (with an error added) only when it is not an object.</summary>
    public static RawEvent? ReadEvent(JsonElement element, long index, List<EventError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new EventError(index, "$", $"must be a JSON object, not {element.ValueKind}"));
            return null;
        }

        string? type = null, timestamp = null, payload = null, key = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "event_type":
                    type = ReadString(property, index, errors);
                    break;
                case "timestamp" or "event_timestamp":
                    timestamp = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        _ => Wrong(property, "a string (RFC 3339) or a number (Unix ms)", index, errors),
                    };
                    break;
                case "payload":
                    payload = property.Value.ValueKind switch
                    {
                        JsonValueKind.Object => property.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => Wrong(property, "a JSON object", index, errors),
                    };
                    break;
                case "idempotency_key":
                    key = property.Value.ValueKind == JsonValueKind.Null ? null : ReadString(property, index, errors);
                    break;
                default:
                    errors.Add(new EventError(index, property.Name, "unknown field (known: event_type, timestamp, payload, idempotency_key)"));
                    break;
            }
        }

        // Returned even with errors, so validation can add the problems of the fields that were readable:
        // a client sees every problem of the request at once (callers keep the first error per index and field).
        return new RawEvent(type, timestamp, payload, key);
    }

    /// <summary>
    /// Reads a CSV (<see cref="CsvRecordReader"/>: quoted fields may hold commas, quotes as <c>""</c> and newlines) with a header row
    /// naming <c>event_type</c>, <c>timestamp</c> and optionally <c>payload</c> (a JSON object) and
    /// <c>idempotency_key</c>. Yields (line number, event or null); errors carry the line number.
    /// </summary>
    public static IEnumerable<(long Line, RawEvent? Event)> ReadCsv(TextReader reader, List<EventError> errors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(errors);
        var csv = new CsvRecordReader(reader);
        var header = csv.Read();
        if (header is null)
        {
            errors.Add(new EventError(1, "$", "CSV has no header row"));
            yield break;
        }

        int Column(string name) => header.FindIndex(h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        var typeColumn = Column("event_type");
        var timeColumn = Column("timestamp") is var t and >= 0 ? t : Column("event_timestamp");
        var payloadColumn = Column("payload");
        var keyColumn = Column("idempotency_key");
        if (typeColumn < 0 || timeColumn < 0)
        {
            errors.Add(new EventError(1, "$", "CSV header must name event_type and timestamp"));
            yield break;
        }

        while (true)
        {
            var recordLine = csv.Line;
            var fields = csv.Read();
            if (fields is null)
            {
                yield break;
            }

            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            string? Get(int column) => column >= 0 && column < fields.Count && fields[column].Length > 0 ? fields[column] : null;
            var payload = Get(payloadColumn);
            if (payload is not null && CheckJsonObject(payload) is { } payloadError)
            {
                errors.Add(new EventError(recordLine, "payload", payloadError));
                yield return (recordLine, null);
                continue;
            }

            yield return (recordLine, new RawEvent(Get(typeColumn), Get(timeColumn), payload, Get(keyColumn)));
        }
    }

    /// <summary>One error per index and field, the first found (a structural error beats a validation error).</summary>
    public static List<EventError> FirstPerField(IEnumerable<EventError> errors)
        => [.. errors.DistinctBy(e => (e.Index, e.Field)).OrderBy(e => e.Index)];

    /// <summary>Null when <paramref name="text"/> is a JSON object (without repeated properties), else why not.</summary>
    internal static string? CheckJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : "must be a JSON object";
        }
        catch (JsonException)
        {
            var (_, offset, reason) = JsonDiagnostics.Locate(Encoding.UTF8.GetBytes(text), array: false);
            return FormattableString.Invariant($"must be a JSON object: invalid JSON at byte {offset} of the field: {reason}");
        }
    }

    private static string? ReadString(JsonProperty property, long index, List<EventError> errors)
        => property.Value.ValueKind == JsonValueKind.String
            ? property.Value.GetString()
            : Wrong(property, "a string", index, errors);

    private static string? Wrong(JsonProperty property, string expected, long index, List<EventError> errors)
    {
        errors.Add(new EventError(index, property.Name, $"must be {expected}, not {property.Value.ValueKind}"));
        return null;
    }
}
