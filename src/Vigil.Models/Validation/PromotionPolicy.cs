using System.Globalization;

namespace Vigil.Models.Validation;

/// <summary>
/// Promote when the candidate's anomaly rate is within bounds and, where both models have an F1 on labelled
/// incidents, the candidate's is not lower (within tolerance). Without labels the rate bounds are the only guard.
/// </summary>
public sealed class PromotionPolicy
{
    private readonly PromotionPolicyOptions _options;

    public PromotionPolicy(PromotionPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _options = options;
    }

    public PromotionPolicyOptions Options => _options;

    public PromotionDecision Decide(ValidationComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var candidate = comparison.Candidate;
        var reasons = new List<string>();
        var promote = true;
        if (candidate.Rows < _options.MinRows)
        {
            promote = false;
            reasons.Add(Invariant($"only {candidate.Rows} validation rows (min_rows {_options.MinRows})"));
        }

        if (candidate.AnomalyRate < _options.MinAnomalyRate || candidate.AnomalyRate > _options.MaxAnomalyRate)
        {
            promote = false;
            reasons.Add(Invariant($"anomaly rate {candidate.AnomalyRate:0.####} outside [{_options.MinAnomalyRate}, {_options.MaxAnomalyRate}]"));
        }
        else
        {
            reasons.Add(Invariant($"anomaly rate {candidate.AnomalyRate:0.####} within [{_options.MinAnomalyRate}, {_options.MaxAnomalyRate}]"));
        }

        if (candidate.F1 is { } f1 && comparison.Active?.F1 is { } activeF1)
        {
            if (f1 + _options.F1Tolerance < activeF1)
            {
                promote = false;
                reasons.Add(Invariant($"F1 {f1:0.###} below active {activeF1:0.###}"));
            }
            else
            {
                reasons.Add(Invariant($"F1 {f1:0.###} not below active {activeF1:0.###}"));
            }
        }
        else if (comparison.Active is null)
        {
            reasons.Add("no active model to compare with");
        }
        else
        {
            reasons.Add("no labelled incidents: F1 not compared");
        }

        return new PromotionDecision(promote, reasons);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
