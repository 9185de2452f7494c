using System.Collections.Concurrent;
using Vigil.Core.Series;
using Vigil.Exposition;

namespace Vigil.Pipeline;

/// <summary>
/// The per-series results every job publishes, rendered on /metrics. Each series is exported with
/// <c>job</c> = the Vigil job plus its original labels; the series' own <c>job</c> becomes <c>exported_job</c>
/// and <c>__name__</c> becomes <c>metric_name</c> (names starting with __ are reserved in exposition).
/// </summary>
public sealed class ScoreStore : IMetricCollector
{
    public const string ScoreMetric = "vigil_anomaly_score";
    public const string ExpectedMetric = "vigil_expected_value";
    public const string LowerMetric = "vigil_expected_lower";
    public const string UpperMetric = "vigil_expected_upper";

    private readonly ConcurrentDictionary<(string Job, Labels Labels), ScoreEntry> _entries = new();

    public int Count => _entries.Count;

    public ScoreEntry GetOrAdd(string job, Labels seriesLabels)
        => _entries.GetOrAdd((job, seriesLabels), static key => new ScoreEntry(key.Job, key.Labels, ExpositionWriter.FormatLabelBlock(ExportLabels(key.Job, key.Labels).AsSpan())));

    public void Remove(ScoreEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries.TryRemove((entry.Job, entry.SeriesLabels), out _);
    }

    public IEnumerable<ScoreEntry> Entries => _entries.Values;

    public static Labels ExportLabels(string job, Labels seriesLabels)
    {
        ArgumentNullException.ThrowIfNull(seriesLabels);
        var labels = new List<Label>(seriesLabels.Count + 1) { new("job", job) };
        foreach (var label in seriesLabels)
        {
            var name = label.Name switch
            {
                "job" => "exported_job",
                "__name__" => "metric_name",
                _ when label.Name.StartsWith("__", StringComparison.Ordinal) => label.Name.TrimStart('_'),
                _ => ExpositionWriter.IsValidLabelName(label.Name) ? label.Name : ExpositionWriter.SanitizeLabelName(label.Name),
            };
            if (name.Length > 0 && name != "job")
            {
                labels.Add(new Label(name, label.Value));
            }
        }

        return Labels.From(labels.ToArray());
    }

    public void Collect(ExpositionWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, ScoreMetric, "Anomaly score per series: 0 at the expected value, 1 at the band edge, above 1 anomalous.", static v => v.Score);
        Write(writer, ExpectedMetric, "Value the detector expected for the series' latest point.", static v => v.Expected);
        Write(writer, LowerMetric, "Lower edge of the expected band for the series' latest point.", static v => v.Lower);
        Write(writer, UpperMetric, "Upper edge of the expected band for the series' latest point.", static v => v.Upper);
    }

    private void Write(ExpositionWriter writer, string name, string help, Func<Core.Detection.Verdict, double> select)
    {
        writer.WriteHeader(name, help, MetricType.Gauge);
        foreach (var entry in _entries.Values)
        {
            if (entry.TryRead(out var verdict))
            {
                writer.WriteSample(name, entry.LabelBlock, select(verdict));
            }
        }
    }
}
