using Vigil.Core.Detectors.IsolationForest;

namespace Vigil.Core.Tests.IsolationForest;

public sealed class PathLengthTests
{
    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.0)]
    [InlineData(2, 1.0)]
    public void Average_SpecialCases_MatchScikitLearn(double n, double expected)
        => Assert.Equal(expected, PathLength.Average(n));

    [Fact]
    public void Average_256_MatchesHarmonicFormula()
    {
        // sklearn.ensemble._iforest._average_path_length([256]): the normaliser c(ψ) of the default forest.
        Assert.Equal(10.244770920119917, PathLength.Average(256), 13);
    }

    [Fact]
    public void Average_IsIncreasingInN()
    {
        for (var n = 2; n < 5000; n++)
        {
            Assert.True(PathLength.Average(n + 1) > PathLength.Average(n));
        }
    }
}
