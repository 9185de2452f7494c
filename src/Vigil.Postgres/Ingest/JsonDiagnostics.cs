using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Postgres.Ingest;

/// <summary>
/// Says where and why a request body is not acceptable JSON, in the client's terms: the event index, the byte
/// offset in the body and a short reason, never the parser's internals (<c>LineNumber: 0 | BytePositionInLine: 74</c>).
/// Runs only after a parse failed, so the fast path pays nothing for it.
/// </summary>
internal static partial class JsonDiagnostics
{
    /// <summary>
    /// Parser options for every JSON object read from a client: a repeated property is an error at every level
    /// (<c>"event_type":"signup","event_type":"order"</c> must not silently mean "order").
    /// </summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Locates the first problem in <paramref name="json"/>. For an array body, <c>Element</c> is the index of the
    /// element being read at the break (or the one that would have started, for a break between elements);
    /// for a single value it is 0. <c>Offset</c> is 0-based in <paramref name="json"/>.
    /// </summary>
    public static (int Element, long Offset, string Reason) Locate(ReadOnlySpan<byte> json, bool array)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var element = -1;
        var properties = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                var elementDepth = array ? 1 : 0;
                if (reader.CurrentDepth == elementDepth && reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
                {
                    element++;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        properties.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        properties.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!properties.Peek().Add(name))
                        {
                            return (Math.Max(element, 0), reader.TokenStartIndex, $"duplicate property '{Truncate(name)}'");
                        }

                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            // Between two elements (depth 1 of an array) the break belongs to the element that should come next.
            var index = array && reader.CurrentDepth <= 1 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null
                ? element + 1
                : element;
            return (Math.Max(index, 0), OffsetOf(json, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0), Reason(ex.Message));
        }

        // The reader accepted what the document parser refused (should not happen): report without a position.
        return (0, 0, "invalid JSON");
    }

    /// <summary>The error text for a body, e.g. <c>invalid JSON at byte 74 of the body: expected ',' or '}'</c>.</summary>
    public static string Describe(long offset, string reason) => FormattableString.Invariant($"invalid JSON at byte {offset} of the body: {reason}");

    /// <summary>The parser's message without its position suffix and advice about reader options.</summary>
    internal static string Reason(string message)
    {
        var text = PositionSuffix().Replace(message, string.Empty).Trim();
        if (text.Contains("trailing comma", StringComparison.Ordinal))
        {
            return "trailing comma";
        }

        if (text.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
        {
            return "unexpected end: an object or array is not closed";
        }

        // e.g. "'"' is invalid after a value. Expected either ',', '}', or ']'." → "…after a value; expected either …"
        text = text.TrimEnd('.').Replace(". Expected", "; expected", StringComparison.Ordinal).Replace(". ", "; ", StringComparison.Ordinal);
        return text.Length == 0 ? "invalid JSON" : string.Concat(char.ToLowerInvariant(text[0]).ToString(), text.AsSpan(1));
    }

    private static long OffsetOf(ReadOnlySpan<byte> json, long line, long bytePositionInLine)
    {
        long offset = 0;
        for (var i = 0L; i < line; i++)
        {
            var newline = json[(int)offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            offset += newline + 1;
        }

        return offset + bytePositionInLine;
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?", RegexOptions.CultureInvariant)]
    private static partial Regex PositionSuffix();
}
