using System.Globalization;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Scenarios;

/// <summary>Writes scenario runs for inspection: one CSV per series, and one listing every incident with its outcome.</summary>
public static class ScenarioCsv
{
    public const string SeriesHeader = "timestamp,value,score,expected,lower,upper,label,status";

    public const string IncidentsHeader = "series,kind,start,end,magnitude,detected,onset,recovery_alarm,alerted_at_onset,stopped";

    /// <summary>
    /// Per point: the verdict and the point's label (history, clean, an incident kind, ramp_tail, recovery, adapting).
    /// <c>status</c> is warmup, invalid, ok, anomaly or onset (as in <c>vigil detect --out</c>, plus onset) (the first anomalous point of an episode).
    /// </summary>
    public static void WriteSeries(ScenarioSeriesRun run, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(SeriesHeader);
        var s = run.Scenario;
        for (var i = 0; i < s.Count; i++)
        {
            var v = run.Verdicts[i];
            var status = v.Kind switch
            {
                VerdictKind.Warmup => "warmup",
                VerdictKind.Invalid => "invalid",
                _ => run.Onsets[i] ? "onset" : v.IsAnomaly ? "anomaly" : "ok",
            };
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{DateTimeOffset.FromUnixTimeMilliseconds(s.TimestampsMs[i]):yyyy-MM-ddTHH:mm:ssZ},{s.Values[i]:R},{v.Score:R},{v.Expected:R},{v.Lower:R},{v.Upper:R},{run.Labels[i]},{status}"));
        }
    }

    public static void WriteIncidentsHeader(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(IncidentsHeader);
    }

    public static void WriteIncidents(ScenarioSeriesRun run, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(writer);
        var s = run.Scenario;
        foreach (var o in run.Outcomes)
        {
            var onset = o.OnsetIndex >= 0 ? Time(s.TimestampsMs[o.OnsetIndex]) : string.Empty;
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{s.Name},{ScenarioNames.Of(o.Incident.Kind)},{Time(s.TimestampsMs[o.Incident.Start])},{Time(s.TimestampsMs[0] + (o.Incident.End * ScenarioGenerator.StepMs))},{o.Incident.Magnitude:F3},{Flag(o.Detected)},{onset},{Flag(o.RecoveryAlarm)},{Flag(o.AlertedAtOnset)},{Flag(o.Stopped)}"));
        }
    }

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Flag(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => string.Empty,
    };
}
