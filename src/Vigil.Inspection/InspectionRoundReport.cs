using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Alerting;
using Vigil.Inspection.Sensors;

namespace Vigil.Inspection;

/// <summary>How a sensor's part of a round ended.</summary>
public enum SensorStatus
{
    Ok,
    Error,
    Timeout,
    Disabled,
}

/// <summary>One sensor's part of a round: status, series (or templates) inspected, findings, duration, and what went wrong.</summary>
public sealed record SensorSummary(SensorStatus Status, int Inspected, int Findings, TimeSpan Duration, IReadOnlyList<string> Errors);

/// <summary>A finding as the round raised it: the publisher's outcome (sent, queued, deduplicated, shadow) and its dedup key.</summary>
public sealed record RaisedAlert(Finding Finding, string Outcome, string DedupKey);

/// <summary>One inspection round's report: kept in memory (latest), stored in the event store, served by the API.</summary>
public sealed record InspectionRoundReport
{
    public required string RoundId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public required bool Shadow { get; init; }

    public required IReadOnlyDictionary<string, SensorSummary> Sensors { get; init; }

    public required IReadOnlyList<RaisedAlert> Alerts { get; init; }

    public required IReadOnlyList<string> Errors { get; init; }

    /// <summary>The report's JSON, as stored in the event store and served by <c>/api/v1/inspections</c> (pinned by a golden file).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void Write(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteString("round_id", RoundId);
        w.WriteString("started_at", Time(StartedAt));
        w.WriteString("finished_at", Time(FinishedAt));
        w.WriteBoolean("shadow", Shadow);
        w.WriteStartObject("sensors");
        foreach (var (name, s) in Sensors.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(name);
            w.WriteString("status", s.Status.ToString().ToLowerInvariant());
            w.WriteNumber("inspected", s.Inspected);
            w.WriteNumber("findings", s.Findings);
            w.WriteNumber("duration_seconds", Math.Round(s.Duration.TotalSeconds, 3));
            Strings(w, "errors", s.Errors);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartArray("alerts");
        foreach (var alert in Alerts)
        {
            var f = alert.Finding;
            w.WriteStartObject();
            w.WriteString("sensor", f.Sensor);
            w.WriteString("alertname", f.AlertName);
            w.WriteString("subject", f.Subject);
            w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
            w.WriteString("outcome", alert.Outcome);
            w.WriteString("dedup_key", alert.DedupKey);
            w.WriteStartObject("labels");
            foreach (var (key, value) in f.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
            w.WriteString("summary", f.Summary);
            w.WriteString("description", f.Description);
            foreach (var (key, value) in f.Numbers.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                if (double.IsFinite(value))
                {
                    w.WriteNumber(key, value);
                }
                else
                {
                    w.WriteNull(key);
                }
            }

            foreach (var (key, value) in f.Facts.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        Strings(w, "errors", Errors);
        w.WriteEndObject();
    }

    /// <summary>Per-sensor finding counts, e.g. for the log line.</summary>
    public int Count(string sensor) => Alerts.Count(a => a.Finding.Sensor == sensor);

    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string OutcomeName(AlertPublishOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }
}
