using Vigil.Core.Detectors.IsolationForest;

namespace Vigil.Core.Tests.IsolationForest;

public sealed class IsolationTreeTests
{
    [Fact]
    public void Constructor_ValidStump_Accepted()
    {
        var tree = Stump();

        Assert.Equal(3, tree.NodeCount);
        Assert.False(tree.IsLeaf(0));
        Assert.True(tree.IsLeaf(1));
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0 }, "children")] // child points back at its parent (cycle)
    [InlineData(new[] { 1, 0, 3 }, "children")] // child out of range
    public void Constructor_BadChildren_Rejected(int[] left, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => new IsolationTree(
            [0, -1, -1], [0.5, double.NaN, double.NaN], [left[0], -1, -1], [left[2], -1, -1], [2, 1, 1], featureCount: 1));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_FeatureOutOfRange_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new IsolationTree(
            [3, -1, -1], [0.5, 0, 0], [1, -1, -1], [2, -1, -1], [2, 1, 1], featureCount: 2));

        Assert.Contains("feature 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OrphanNode_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new IsolationTree(
            [0, -1, -1, -1], [0.5, 0, 0, 0], [1, -1, -1, -1], [2, -1, -1, -1], [2, 1, 1, 1], featureCount: 1));

        Assert.Contains("node 3 has 0 parents", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreSample_HandBuiltStump_MatchesFormula()
    {
        // Leaves at depth 1 holding 1 and 3 samples: h = 1 + c(1) = 1 and h = 1 + c(3); ψ = 4.
        var tree = new IsolationTree([0, -1, -1], [0.5, 0, 0], [1, -1, -1], [2, -1, -1], [4, 1, 3], featureCount: 1);
        var forest = new IsolationForestModel(1, [tree], maxSamples: 4, offset: -0.5, InputPrecision.Exact);

        Assert.Equal(-Math.Pow(2, -1.0 / PathLength.Average(4)), forest.ScoreSample([0.0]), 15);
        Assert.Equal(-Math.Pow(2, -(1 + PathLength.Average(3)) / PathLength.Average(4)), forest.ScoreSample([1.0]), 15);
        Assert.Equal(forest.ScoreSample([0.5]), forest.ScoreSample([0.0])); // x <= threshold goes left
    }

    [Fact]
    public void ScoreSample_Rounded32Bit_ComparesSinglePrecisionValue()
    {
        // 0.1 as float32 is 0.100000001490116..., above the double threshold 0.1: scikit-learn sends it right.
        var tree = new IsolationTree([0, -1, -1], [0.1, 0, 0], [1, -1, -1], [2, -1, -1], [4, 1, 3], featureCount: 1);
        var exact = new IsolationForestModel(1, [tree], 4, -0.5, InputPrecision.Exact);
        var rounded = new IsolationForestModel(1, [tree], 4, -0.5, InputPrecision.Rounded32Bit);

        Assert.NotEqual(exact.ScoreSample([0.1]), rounded.ScoreSample([0.1]));
        Assert.Equal(exact.ScoreSample([0.2]), rounded.ScoreSample([0.1]));
    }

    [Fact]
    public void ScoreSample_ChildrenInAnyOrder_SameAsDepthFirstLayout()
    {
        // Same tree twice: depth-first ids, and the right subtree stored before the left one.
        var depthFirst = new IsolationTree(
            [0, 1, -1, -1, -1], [0.0, 1.0, 0, 0, 0], [1, 2, -1, -1, -1], [4, 3, -1, -1, -1], [8, 5, 2, 3, 3], featureCount: 2);
        var shuffled = new IsolationTree(
            [0, -1, 1, -1, -1], [0.0, 0, 1.0, 0, 0], [2, -1, 3, -1, -1], [1, -1, 4, -1, -1], [8, 3, 5, 2, 3], featureCount: 2);
        var a = new IsolationForestModel(2, [depthFirst], 8, -0.5, InputPrecision.Exact);
        var b = new IsolationForestModel(2, [shuffled], 8, -0.5, InputPrecision.Exact);

        foreach (double[] row in new[] { new[] { -1.0, 0.0 }, [-1.0, 2.0], [1.0, 0.0], [0.0, 1.0] })
        {
            Assert.Equal(a.ScoreSample(row), b.ScoreSample(row));
        }

        Assert.NotEqual(a.ScoreSample([-1.0, 0.0]), a.ScoreSample([1.0, 0.0]));
    }

    private static IsolationTree Stump()
        => new([0, -1, -1], [0.5, double.NaN, double.NaN], [1, -1, -1], [2, -1, -1], [2, 1, 1], featureCount: 1);
}
