using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Alerting;

/// <summary>
/// The payload of an alert's <see cref="EventStore.AlertState"/>: everything needed to (re-)send it after a restart,
/// plus the receivers that have not yet acknowledged its current state (the outbox).
/// </summary>
internal sealed record OutboxRecord
{
    public required string Key { get; init; }

    public required string Source { get; init; }

    public required string Sensor { get; init; }

    public required Dictionary<string, string> Labels { get; init; }

    public required Dictionary<string, string> Annotations { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Set when resolved: the endsAt sent from then on.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The last time a sensor raised it (deduplicated raises included); a firing alert not raised for a dedup window expires.</summary>
    public required DateTimeOffset LastRaisedAt { get; init; }

    public string? GeneratorUrl { get; init; }

    public bool Shadow { get; init; }

    /// <summary>Receivers (by name) that have not acknowledged the current state (firing or resolved).</summary>
    public List<string> Pending { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, AlertingJsonContext.Default.OutboxRecord);

    public static OutboxRecord FromJson(string json)
        => JsonSerializer.Deserialize(json, AlertingJsonContext.Default.OutboxRecord) ?? throw new JsonException("Empty alert payload.");
}

/// <summary>One alert in Alertmanager's v2 API shape (<c>POST /api/v2/alerts</c> takes a list of these).</summary>
internal sealed record AlertmanagerAlert(
    [property: JsonPropertyName("labels")] Dictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] Dictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl);

/// <summary>The generic webhook body: one alert's transition.</summary>
internal sealed record WebhookMessage(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("sensor")] string Sensor,
    [property: JsonPropertyName("labels")] Dictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] Dictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl);

[JsonSerializable(typeof(OutboxRecord))]
[JsonSerializable(typeof(List<AlertmanagerAlert>))]
[JsonSerializable(typeof(WebhookMessage))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class AlertingJsonContext : JsonSerializerContext;
