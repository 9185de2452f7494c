using Vigil.Core.Detectors.IsolationForest;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Features;

namespace Vigil.Core.Tests.IsolationForest;

public sealed class IsolationForestModelTests
{
    [Fact]
    public void Fit_SameSeed_GivesIdenticalScoresRegardlessOfThreads()
    {
        var x = ForestData.Cloud(2000, 4, seed: 1, outliers: 20);
        var a = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 42, MaxDegreeOfParallelism = 1 });
        var b = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 42 });

        Assert.Equal(a.ScoreSamples(x, 1), b.ScoreSamples(x));
    }

    [Fact]
    public void Fit_DifferentSeed_GivesDifferentForest()
    {
        var x = ForestData.Cloud(500, 3, seed: 1);
        var a = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 1 });
        var b = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 2 });

        Assert.NotEqual(a.ScoreSamples(x), b.ScoreSamples(x));
    }

    [Fact]
    public void Fit_Trees_RespectSubSampleAndDepthLimit()
    {
        var x = ForestData.Cloud(1000, 3, seed: 2);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { Estimators = 20, RandomState = 3 });

        Assert.Equal(256, forest.MaxSamples);
        Assert.Equal(20, forest.Trees.Count);
        foreach (var tree in forest.Trees)
        {
            Assert.Equal(256, tree.NodeSamples[0]);
            var leafSamples = 0;
            for (var i = 0; i < tree.NodeCount; i++)
            {
                if (tree.IsLeaf(i))
                {
                    leafSamples += tree.NodeSamples[i];
                }
                else
                {
                    Assert.Equal(tree.NodeSamples[i], tree.NodeSamples[tree.Left[i]] + tree.NodeSamples[tree.Right[i]]);
                    Assert.Equal(i + 1, tree.Left[i]);
                }
            }

            Assert.Equal(256, leafSamples);
            Assert.True(MaxDepth(tree, 0) <= 8, "depth limit is ceil(log2 256) = 8");
        }
    }

    [Fact]
    public void Fit_SmallData_UsesAllRowsAsSubSample()
    {
        var x = ForestData.Cloud(40, 2, seed: 4);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 1 });

        Assert.Equal(40, forest.MaxSamples);
    }

    [Fact]
    public void ScoreSample_FarOutlier_ScoresBelowInliersAndAboveThreshold()
    {
        var x = ForestData.Cloud(2000, 3, seed: 5);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 7 });

        double[] outlier = [20, 21, -15];
        double[] inlier = [0, 1, 2];
        Assert.True(forest.ScoreSample(outlier) < forest.ScoreSample(inlier));
        Assert.Equal(-1, forest.Predict(outlier));
        Assert.Equal(1, forest.Predict(inlier));
        Assert.True(forest.AnomalyScore(outlier) > 1.0);
        Assert.True(forest.AnomalyScore(inlier) < 1.0);
    }

    [Fact]
    public void ScoreSamples_Batch_IsBitIdenticalToRowAtATime()
    {
        var x = ForestData.Cloud(3000, 5, seed: 6, outliers: 30);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 9, Precision = InputPrecision.Rounded32Bit });

        var batch = forest.ScoreSamples(x);
        for (var r = 0; r < x.Rows; r++)
        {
            Assert.Equal(forest.ScoreSample(x.Row(r)), batch[r]);
        }
    }

    [Fact]
    public void ScoreSamples_AlwaysInMinusOneToZero()
    {
        var x = ForestData.Cloud(500, 3, seed: 8, outliers: 10);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 1 });

        Assert.All(forest.ScoreSamples(x), s => Assert.InRange(s, -1.0, -double.Epsilon));
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void Fit_Contamination_FlagsThatFractionOfTrainingRows(double contamination)
    {
        var x = ForestData.Cloud(5000, 4, seed: 10);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 11, Contamination = contamination });

        var flagged = Enumerable.Range(0, x.Rows).Count(r => forest.Predict(x.Row(r)) == -1);

        // The threshold is the percentile of the training scores, so the flagged fraction equals the contamination
        // up to ties (rows sharing a score with the threshold).
        Assert.InRange(flagged / (double)x.Rows, contamination - 0.002, contamination + 0.002);
    }

    [Fact]
    public void Fit_ContaminationAuto_UsesOffsetMinusHalf()
    {
        var forest = IsolationForestModel.Fit(ForestData.Cloud(100, 2, seed: 1), new IsolationForestOptions());

        Assert.Equal(-0.5, forest.Offset);
    }

    [Fact]
    public void AnomalyScore_AtThreshold_IsExactlyOne()
    {
        var forest = IsolationForestModel.Fit(ForestData.Cloud(100, 2, seed: 1), new IsolationForestOptions());

        Assert.Equal(1.0, forest.ToAnomalyScore(forest.Offset));
        Assert.Equal(2.0, forest.ToAnomalyScore(-1.0));
    }

    [Fact]
    public void Fit_ConstantFeature_IsNeverSplitOn()
    {
        var x = ForestData.Cloud(500, 3, seed: 2);
        var data = x.AsSpan().ToArray();
        for (var r = 0; r < x.Rows; r++)
        {
            data[(r * 3) + 1] = 5.0;
        }

        var forest = IsolationForestModel.Fit(new FeatureMatrix(data, x.Rows, 3), new IsolationForestOptions { RandomState = 1 });

        Assert.All(forest.Trees, t =>
        {
            for (var i = 0; i < t.NodeCount; i++)
            {
                Assert.True(t.IsLeaf(i) || t.Features[i] != 1);
            }
        });
    }

    [Fact]
    public void Fit_MaxFeatures_LimitsFeaturesPerTree()
    {
        var x = ForestData.Cloud(500, 6, seed: 3);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 1, MaxFeatures = 0.5 });

        Assert.All(forest.Trees, t =>
        {
            var used = new HashSet<int>();
            for (var i = 0; i < t.NodeCount; i++)
            {
                if (!t.IsLeaf(i))
                {
                    used.Add(t.Features[i]);
                }
            }

            Assert.InRange(used.Count, 1, 3);
        });
    }

    [Fact]
    public void Fit_InvalidOptions_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => IsolationForestModel.Fit(
            ForestData.Cloud(10, 2, seed: 1),
            new IsolationForestOptions { Estimators = 0, MaxFeatures = 2, Contamination = 0.9 }));

        Assert.Contains("n_estimators", ex.Message, StringComparison.Ordinal);
        Assert.Contains("max_features", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contamination", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_ScoresAreMonotoneInDistance_Property()
    {
        var x = ForestData.Cloud(1000, 2, seed: 12);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 5 });

        // A point far outside the training range is isolated at the first split of every tree that draws a
        // threshold within the data range, so it never scores as more normal than the cloud's centre.
        Prop.ForAll<int>(k =>
        {
            var far = 50.0 + Math.Abs(k % 1000);
            return forest.ScoreSample([far, far]) <= forest.ScoreSample([0.0, 1.0]);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ScoreSample_NaN_Rejected()
    {
        var forest = IsolationForestModel.Fit(ForestData.Cloud(100, 2, seed: 1), new IsolationForestOptions());

        Assert.Throws<ArgumentException>(() => forest.ScoreSample([double.NaN, 0]));
        Assert.Throws<ArgumentException>(() => forest.ScoreSamples(FeatureMatrix.FromRows([[0.0, 1.0], [double.NaN, 0]])));
    }

    [Fact]
    public void ScoreSample_Infinity_ScoredLikeAFarPoint()
    {
        var forest = IsolationForestModel.Fit(ForestData.Cloud(500, 2, seed: 1), new IsolationForestOptions { RandomState = 1 });

        Assert.Equal(forest.ScoreSample([1e300, 1.0]), forest.ScoreSample([double.PositiveInfinity, 1.0]));
    }

    [Fact]
    public void ScoreSample_FittedOnOneRow_IsMinusHalfLikeSklearn()
    {
        // IsolationForest().fit([[1, 2]]).score_samples([[1, 2], [5, 5]]) == [-0.5, -0.5] in scikit-learn 1.2.
        var forest = IsolationForestModel.Fit(FeatureMatrix.FromRows([[1.0, 2.0]]), new IsolationForestOptions());

        Assert.Equal(-0.5, forest.ScoreSample([1.0, 2.0]));
        Assert.Equal([-0.5, -0.5], forest.ScoreSamples(FeatureMatrix.FromRows([[1.0, 2.0], [5.0, 5.0]])));
    }

    private static int MaxDepth(IsolationTree tree, int node)
        => tree.IsLeaf(node) ? 0 : 1 + Math.Max(MaxDepth(tree, tree.Left[node]), MaxDepth(tree, tree.Right[node]));
}
