using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.EventStore.Sql;

/// <summary>How values are written to columns: the same representation in both back ends.</summary>
internal static class Codec
{
    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>
    /// The indexed identity of a series: PostgreSQL cannot index text longer than about 2.7 KB, and label sets can be
    /// longer; 128 bits of SHA-256 make a collision between two series of one job practically impossible.
    /// </summary>
    public static string SeriesHash(string canonicalSeries)
        => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(canonicalSeries)).AsSpan(0, 16));

    /// <summary>Labels as a JSON object, sorted by name (the label set's own order).</summary>
    public static string LabelsJson(Labels labels)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var label in labels)
            {
                writer.WriteString(label.Name, label.Value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static Labels ParseLabels(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Labels.From(document.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? string.Empty)));
    }

    public static string StringsJson(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, CodecJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> ParseStrings(string json) => JsonSerializer.Deserialize(json, CodecJsonContext.Default.StringArray) ?? [];

    public static string Name(AnomalyTest test) => test switch
    {
        AnomalyTest.None => "none",
        AnomalyTest.Point => "point",
        AnomalyTest.Shift => "shift",
        AnomalyTest.Range => "range",
        AnomalyTest.Novelty => "novelty",
        AnomalyTest.Variance => "variance",
        _ => throw new ArgumentException($"episode.test: unknown test {test}", nameof(test)),
    };

    public static AnomalyTest ParseTest(string name) => name switch
    {
        "none" => AnomalyTest.None,
        "point" => AnomalyTest.Point,
        "shift" => AnomalyTest.Shift,
        "range" => AnomalyTest.Range,
        "novelty" => AnomalyTest.Novelty,
        "variance" => AnomalyTest.Variance,
        _ => throw new InvalidDataException($"Unknown anomaly test '{name}' in the event store."),
    };

    public static string Name(FeedbackKind kind) => kind switch
    {
        FeedbackKind.Confirmed => "confirmed",
        FeedbackKind.NotAnomaly => "not_anomaly",
        FeedbackKind.NewNormal => "new_normal",
        _ => throw new ArgumentException($"feedback.kind: unknown kind {kind}", nameof(kind)),
    };

    public static FeedbackKind ParseKind(string name) => name switch
    {
        "confirmed" => FeedbackKind.Confirmed,
        "not_anomaly" => FeedbackKind.NotAnomaly,
        "new_normal" => FeedbackKind.NewNormal,
        _ => throw new InvalidDataException($"Unknown feedback kind '{name}' in the event store."),
    };

    public static string Name(AlertStatus status) => status == AlertStatus.Resolved ? "resolved" : "firing";

    public static AlertStatus ParseStatus(string name) => name switch
    {
        "firing" => AlertStatus.Firing,
        "resolved" => AlertStatus.Resolved,
        _ => throw new InvalidDataException($"Unknown alert status '{name}' in the event store."),
    };

    /// <summary>Keyset page token: the last item's start and id, so the next page starts strictly after it.</summary>
    public static string PageToken(long startMs, long id) => string.Create(CultureInfo.InvariantCulture, $"{startMs}.{id}");

    public static (long StartMs, long Id) ParsePageToken(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0
            && long.TryParse(token.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)
            && long.TryParse(token.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return (start, id);
        }

        throw new ArgumentException($"query.page_token: '{token}' is not a token this store issued", nameof(token));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class CodecJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
