using System.Globalization;
using System.Text.Json;

namespace Vigil.Web.Reading;

/// <summary>One sensor's part of a round as the Inspections page shows it.</summary>
public sealed record SensorRow(string Name, string Status, long Inspected, long Findings, double DurationSeconds, IReadOnlyList<string> Errors);

/// <summary>One raised finding as the Inspections page shows it: what, about which series, how bad, and what delivery did with it.</summary>
public sealed record FindingRow(string AlertName, string Sensor, string Subject, string Severity, string Outcome, string Summary, IReadOnlyList<KeyValuePair<string, string>> Labels);

/// <summary>
/// A stored inspection report read back for people: the event store keeps the report as the JSON the inspector wrote
/// (<c>InspectionRoundReport.Write</c>, the same document <c>/api/v1/inspections</c> serves), so the page reads that
/// document rather than a second copy of the round. Reports written by an older version may lack fields: what is
/// missing reads as empty, and a body that is not a report object at all yields null so the page shows it raw.
/// </summary>
public sealed record InspectionReportView(bool Shadow, IReadOnlyList<SensorRow> Sensors, IReadOnlyList<FindingRow> Findings)
{
    // Keys of an alert entry that are structure, not a label, number or fact of the finding.
    private static readonly HashSet<string> AlertStructure = new(StringComparer.Ordinal) { "sensor", "alertname", "subject", "severity", "outcome", "dedup_key", "labels", "summary", "description" };

    public static InspectionReportView? TryParse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var shadow = root.TryGetProperty("shadow", out var s) && s.ValueKind == JsonValueKind.True;
            return new InspectionReportView(shadow, ReadSensors(root), ReadFindings(root));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<SensorRow> ReadSensors(JsonElement root)
    {
        var rows = new List<SensorRow>();
        if (!root.TryGetProperty("sensors", out var sensors) || sensors.ValueKind != JsonValueKind.Object)
        {
            return rows;
        }

        foreach (var sensor in sensors.EnumerateObject())
        {
            var v = sensor.Value;
            if (v.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            rows.Add(new SensorRow(sensor.Name, Text(v, "status"), Whole(v, "inspected"), Whole(v, "findings"), Number(v, "duration_seconds"), Strings(v, "errors")));
        }

        return rows;
    }

    private static List<FindingRow> ReadFindings(JsonElement root)
    {
        var rows = new List<FindingRow>();
        if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
        {
            return rows;
        }

        foreach (var a in alerts.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var labels = new List<KeyValuePair<string, string>>();
            if (a.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                foreach (var label in l.EnumerateObject())
                {
                    labels.Add(new(label.Name, label.Value.ValueKind == JsonValueKind.String ? label.Value.GetString()! : label.Value.GetRawText()));
                }
            }

            // The finding's numbers and facts (current, expected, deviation_sigma, template, ...) sit beside the structure;
            // they are what makes the summary checkable, so the page lists them after it.
            var details = a.EnumerateObject()
                .Where(p => !AlertStructure.Contains(p.Name))
                .Select(p => p.Name + "=" + Detail(p.Value));
            var summary = Text(a, "summary");
            var extra = string.Join(", ", details);
            rows.Add(new FindingRow(
                Text(a, "alertname"),
                Text(a, "sensor"),
                Text(a, "subject"),
                Text(a, "severity"),
                Text(a, "outcome"),
                extra.Length == 0 ? summary : $"{summary} ({extra})",
                labels));
        }

        return rows;
    }

    private static string Detail(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture),
        JsonValueKind.Null => "n/a",
        _ => value.GetRawText(),
    };

    private static string Text(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    private static long Whole(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    private static double Number(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static List<string> Strings(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];
}
