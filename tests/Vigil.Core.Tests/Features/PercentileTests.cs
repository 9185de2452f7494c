using Vigil.Core.Features;

namespace Vigil.Core.Tests.Features;

public sealed class PercentileTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(100, 10.0)]
    [InlineData(50, 5.5)]
    [InlineData(25, 3.25)] // numpy.percentile(range(1, 11), 25) == 3.25
    public void OfSorted_MatchesNumpyLinear(double percent, double expected)
        => Assert.Equal(expected, Percentile.OfSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], percent), 12);
}
