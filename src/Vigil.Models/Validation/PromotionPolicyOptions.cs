namespace Vigil.Models.Validation;

/// <summary>When a candidate may replace the active model (config: <c>promotion:</c> of a job).</summary>
public sealed record PromotionPolicyOptions
{
    /// <summary>Lowest acceptable share of flagged rows. Default 0.</summary>
    public double MinAnomalyRate { get; init; }

    /// <summary>Highest acceptable share of flagged rows: a model flagging more is noise, not detection. Default 0.05.</summary>
    public double MaxAnomalyRate { get; init; } = 0.05;

    /// <summary>How much lower than the active model's F1 the candidate's may be. Default 0: "F1 not lower".</summary>
    public double F1Tolerance { get; init; }

    /// <summary>Minimum evaluated rows for a decision; fewer means "not enough evidence", no promotion. Default 100.</summary>
    public long MinRows { get; init; } = 100;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(MinAnomalyRate >= 0 && MinAnomalyRate <= MaxAnomalyRate && MaxAnomalyRate <= 1))
        {
            errors.Add(FormattableString.Invariant($"promotion: need 0 <= min_anomaly_rate ({MinAnomalyRate}) <= max_anomaly_rate ({MaxAnomalyRate}) <= 1"));
        }

        if (!(F1Tolerance >= 0 && F1Tolerance <= 1))
        {
            errors.Add(FormattableString.Invariant($"promotion.f1_tolerance: must be in [0, 1] (got {F1Tolerance})"));
        }

        if (MinRows < 0)
        {
            errors.Add($"promotion.min_rows: must not be negative (got {MinRows})");
        }

        return errors;
    }
}
