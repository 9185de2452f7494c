namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>Hyper-parameters with scikit-learn's names and defaults (<c>sklearn.ensemble.IsolationForest</c>).</summary>
public sealed record IsolationForestOptions
{
    public const int DefaultEstimators = 100;

    /// <summary>scikit-learn's "auto" sub-sample size cap: ψ = min(256, n).</summary>
    public const int AutoMaxSamples = 256;

    /// <summary>scikit-learn's <c>offset_</c> for <c>contamination="auto"</c>: a score of 0.5 in the paper's terms.</summary>
    public const double AutoOffset = -0.5;

    /// <summary>Trees in the forest (<c>n_estimators</c>). Default 100.</summary>
    public int Estimators { get; init; } = DefaultEstimators;

    /// <summary>Rows sampled without replacement per tree (<c>max_samples</c>); null = "auto" = min(256, n). Larger values are capped at n.</summary>
    public int? MaxSamples { get; init; }

    /// <summary>Fraction of features each tree may split on (<c>max_features</c> as a float), at least one feature. Default 1.0.</summary>
    public double MaxFeatures { get; init; } = 1.0;

    /// <summary>
    /// Expected fraction of anomalies in the training data (<c>contamination</c>), in (0, 0.5]; the decision threshold
    /// becomes that percentile of the training scores. Null = "auto": threshold at offset −0.5, as in the paper.
    /// </summary>
    public double? Contamination { get; init; }

    /// <summary>Seed (<c>random_state</c>): the same seed and data give the same forest, on any thread count. Default 0.</summary>
    public ulong RandomState { get; init; }

    /// <summary>Precision features are rounded to before splitting and scoring. Default <see cref="InputPrecision.Exact"/>.</summary>
    public InputPrecision Precision { get; init; } = InputPrecision.Exact;

    /// <summary>Threads for fitting and batch scoring; null = all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Every problem, one message each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Estimators is < 1 or > 10_000)
        {
            errors.Add($"n_estimators: must be between 1 and 10000 (got {Estimators})");
        }

        if (MaxSamples is < 1)
        {
            errors.Add($"max_samples: must be at least 1 (got {MaxSamples})");
        }

        if (!(MaxFeatures > 0 && MaxFeatures <= 1))
        {
            errors.Add(FormattableString.Invariant($"max_features: must be in (0, 1] (got {MaxFeatures})"));
        }

        if (Contamination is { } c && !(c > 0 && c <= 0.5))
        {
            errors.Add(FormattableString.Invariant($"contamination: must be in (0, 0.5] or auto (got {c})"));
        }

        if (MaxDegreeOfParallelism is < 1)
        {
            errors.Add($"max_degree_of_parallelism: must be at least 1 (got {MaxDegreeOfParallelism})");
        }

        return errors;
    }
}
