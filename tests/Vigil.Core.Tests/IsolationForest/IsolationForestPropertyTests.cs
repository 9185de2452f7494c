using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;

namespace Vigil.Core.Tests.IsolationForest;

public sealed class IsolationForestPropertyTests
{
    [Fact]
    public void Fit_AnyDataAndSeed_ScoresInRangeAndVigilScoreNonNegative()
    {
        Prop.ForAll<int, ulong, bool>((dataSeed, seed, withContamination) =>
        {
            var x = ForestData.Cloud(60 + Math.Abs(dataSeed % 200), 3, dataSeed, outliers: 3);
            var forest = IsolationForestModel.Fit(x, new IsolationForestOptions
            {
                Estimators = 10,
                RandomState = seed,
                Contamination = withContamination ? 0.05 : null,
            });
            var scores = forest.ScoreSamples(x);
            return scores.All(s => s >= -1.0 && s < 0.0)
                && scores.All(s => forest.ToAnomalyScore(s) >= 0)
                && forest.Offset >= -1.0 && forest.Offset < 0.0;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Fit_SameInputs_SameForest()
    {
        Prop.ForAll<int, ulong>((dataSeed, seed) =>
        {
            var x = ForestData.Cloud(100, 2, dataSeed);
            var options = new IsolationForestOptions { Estimators = 5, RandomState = seed };
            return IsolationForestModel.Fit(x, options).ScoreSamples(x).SequenceEqual(IsolationForestModel.Fit(x, options).ScoreSamples(x));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Fit_ScalingFeatures_DoesNotChangeScores()
    {
        // Splits are uniform between a node's min and max, so a positive affine map of a feature maps the whole
        // forest onto itself: the same seed gives the same ranking (exact up to rounding of the thresholds).
        Prop.ForAll<int>(dataSeed =>
        {
            var x = ForestData.Cloud(200, 2, dataSeed);
            var scaler = FeatureScaler.Fit(x, [ScalingKind.Standard, ScalingKind.Robust]);
            var options = new IsolationForestOptions { Estimators = 20, RandomState = 3 };
            var raw = IsolationForestModel.Fit(x, options).ScoreSamples(x);
            var scaled = IsolationForestModel.Fit(scaler.Transform(x), options).ScoreSamples(scaler.Transform(x));
            return raw.Zip(scaled).Count(p => Math.Abs(p.First - p.Second) > 1e-9) <= 2;
        }).QuickCheckThrowOnFailure();
    }
}
