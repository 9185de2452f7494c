using System.Globalization;

namespace Vigil.Models.Validation;

/// <summary>
/// How one model behaved on a set of rows: the share of rows it flags (Vigil score &gt; 1), its score distribution,
/// and, when incident windows were labelled, precision/recall/F1 of its flags against them.
/// </summary>
public sealed record ValidationReport
{
    public required long Rows { get; init; }

    /// <summary>Flagged rows / rows; 0 for no rows.</summary>
    public required double AnomalyRate { get; init; }

    public double ScoreP50 { get; init; }

    public double ScoreP90 { get; init; }

    public double ScoreP99 { get; init; }

    public double ScoreMax { get; init; }

    /// <summary>Rows inside a labelled incident; null when no incidents were configured.</summary>
    public long? LabelledAnomalies { get; init; }

    public double? Precision { get; init; }

    public double? Recall { get; init; }

    public double? F1 { get; init; }

    /// <summary>Threshold-free ranking quality on the labelled rows; null without labels or without both classes.</summary>
    public double? RocAuc { get; init; }

    /// <summary>Flat metrics for the model file header; names are prefixed (e.g. <c>active_</c>), non-finite values left out.</summary>
    public IEnumerable<KeyValuePair<string, double>> ToMetrics(string prefix = "")
    {
        var metrics = new (string Name, double? Value)[]
        {
            ("rows", Rows), ("anomaly_rate", AnomalyRate), ("score_p50", ScoreP50), ("score_p90", ScoreP90),
            ("score_p99", ScoreP99), ("score_max", ScoreMax), ("labelled_anomalies", LabelledAnomalies),
            ("precision", Precision), ("recall", Recall), ("f1", F1), ("roc_auc", RocAuc),
        };
        return metrics
            .Where(m => m.Value is { } v && double.IsFinite(v))
            .Select(m => KeyValuePair.Create(prefix + m.Name, m.Value!.Value));
    }

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"rows={Rows} anomaly_rate={AnomalyRate:0.####} p50={ScoreP50:0.###} p99={ScoreP99:0.###}")
           + (F1 is { } f1 ? string.Create(CultureInfo.InvariantCulture, $" precision={Precision:0.###} recall={Recall:0.###} f1={f1:0.###}") : string.Empty);
}

/// <summary>The candidate's report beside the active model's on the same rows (null when there is no comparable active model).</summary>
public sealed record ValidationComparison(ValidationReport Candidate, ValidationReport? Active)
{
    public IReadOnlyDictionary<string, double> ToMetrics()
        => Candidate.ToMetrics().Concat(Active?.ToMetrics("active_") ?? []).ToDictionary(StringComparer.Ordinal);
}
