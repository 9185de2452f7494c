using System.Buffers;
using Vigil.Core.Detection;
using Vigil.Core.Features;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// Everything needed to score a raw feature vector: the feature names (in order), the scaler fitted with the
/// forest, the forest, and the version that identifies the model file it came from. Immutable and thread-safe.
/// </summary>
public sealed class AnomalyModel
{
    private const int StackFeatureLimit = 128;

    public AnomalyModel(string version, IReadOnlyList<string> featureNames, FeatureScaler scaler, IsolationForestModel forest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(scaler);
        ArgumentNullException.ThrowIfNull(forest);
        if (featureNames.Count != forest.FeatureCount || scaler.FeatureCount != forest.FeatureCount)
        {
            throw new ArgumentException($"Feature names ({featureNames.Count}), scaler ({scaler.FeatureCount}) and forest ({forest.FeatureCount}) disagree on the feature count.");
        }

        Version = version;
        FeatureNames = [.. featureNames];
        Scaler = scaler;
        Forest = forest;
    }

    public string Version { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public FeatureScaler Scaler { get; }

    public IsolationForestModel Forest { get; }

    public int FeatureCount => Forest.FeatureCount;

    /// <summary>
    /// Scales <paramref name="rawFeatures"/> and scores them on Vigil's scale: 1.0 at the model's decision threshold,
    /// above 1 for outliers. A multivariate model has no per-value expectation, so Expected/Lower/Upper are NaN.
    /// Non-finite input gives <see cref="Verdict.Invalid"/>. Allocation-free for up to 128 features.
    /// </summary>
    public Verdict Score(ReadOnlySpan<double> rawFeatures)
    {
        if (rawFeatures.Length != FeatureCount)
        {
            throw new ArgumentException($"Model {Version} expects {FeatureCount} features, got {rawFeatures.Length}.", nameof(rawFeatures));
        }

        foreach (var value in rawFeatures)
        {
            if (!double.IsFinite(value))
            {
                return Verdict.Invalid;
            }
        }

        double[]? rented = null;
        var scaled = FeatureCount <= StackFeatureLimit
            ? stackalloc double[FeatureCount]
            : (rented = ArrayPool<double>.Shared.Rent(FeatureCount)).AsSpan(0, FeatureCount);
        Scaler.Transform(rawFeatures, scaled);
        var score = Math.Min(Forest.AnomalyScore(scaled), ScoreMath.MaxScore);
        if (rented is not null)
        {
            ArrayPool<double>.Shared.Return(rented);
        }

        return new Verdict(score, double.NaN, double.NaN, double.NaN, VerdictKind.Scored);
    }

    /// <summary>Vigil scores (see <see cref="Score"/>) for a batch of raw rows, using all cores.</summary>
    public double[] ScoreBatch(FeatureMatrix rawRows, int? maxDegreeOfParallelism = null)
    {
        var scores = Forest.ScoreSamples(Scaler.Transform(rawRows), maxDegreeOfParallelism);
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = Math.Min(Forest.ToAnomalyScore(scores[i]), ScoreMath.MaxScore);
        }

        return scores;
    }
}
