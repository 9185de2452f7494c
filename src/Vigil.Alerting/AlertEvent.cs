using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Alerting;

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>What <see cref="IAlertPublisher.PublishAsync"/> did with an alert.</summary>
public enum AlertPublishOutcome
{
    /// <summary>Delivered to every configured receiver on the first attempt.</summary>
    Sent,

    /// <summary>Recorded in the persisted outbox; at least one receiver has not acknowledged it yet and will be retried.</summary>
    Queued,

    /// <summary>The same dedup key was already published inside the dedup window (by this or another replica).</summary>
    Deduplicated,

    /// <summary>Shadow mode: recorded, exported and visible, not delivered.</summary>
    Shadow,
}

/// <summary>One alert instance as raised by an inspection sensor or a detection job's onset.</summary>
public sealed record AlertEvent
{
    private string? _dedupKey;

    /// <summary>"inspection" or "detection".</summary>
    public required string Source { get; init; }

    /// <summary>"baseline", "trend", "log_patterns" or "onset".</summary>
    public required string Sensor { get; init; }

    /// <summary>The alertname, e.g. "VigilBaselineDeviation".</summary>
    public required string Name { get; init; }

    public required AlertSeverity Severity { get; init; }

    /// <summary>job/metric/template and the series' own labels; sent as Alertmanager labels.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required string Summary { get; init; }

    public required string Description { get; init; }

    public double? Value { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>A path inside Vigil's UI/API, made absolute with the configured external URL (Alertmanager's generatorURL).</summary>
    public string? GeneratorPath { get; init; }

    /// <summary>
    /// The raiser's own shadow flag (e.g. <c>inspection.shadow_mode</c>). An alert is delivered only when neither this
    /// nor <c>alerting.shadow_mode</c> is set; either one makes it a shadow alert (recorded and visible, not sent).
    /// </summary>
    public bool Shadow { get; init; }

    /// <summary>
    /// Stable identity of "the same alert": <c>sensor</c>, <c>name</c> and the labels sorted by name (ordinal), each
    /// length-prefixed so no two different inputs serialise alike, hashed with SHA-256 and written as
    /// <c>vigil:alert:&lt;sensor&gt;:&lt;64 hex&gt;</c>. Severity, value and texts are not part of it: a warning that
    /// becomes critical is the same alert. Used as the dedup key, the outbox key and the resolve handle.
    /// </summary>
    public string DedupKey => _dedupKey ??= ComputeDedupKey(Sensor, Name, Labels);

    internal static string ComputeDedupKey(string sensor, string name, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(sensor);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(labels);
        var text = new StringBuilder();
        Append(text, sensor);
        Append(text, name);
        foreach (var label in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            Append(text, label.Key);
            Append(text, label.Value);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return $"vigil:alert:{sensor}:{Convert.ToHexStringLower(hash)}";

        static void Append(StringBuilder builder, string value)
            => builder.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
    }
}
