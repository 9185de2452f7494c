using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detection;

public sealed class ScoreMathTests
{
    [Theory]
    [InlineData(100.0, 97.3, 103.7)]
    [InlineData(1e9, 1e9 - 0.1, 1e9 + 0.3)]
    [InlineData(0.1, -0.2, 0.7000000000000001)]
    [InlineData(33.333333333333336, 30.1, 36.56666666666667)]
    public void FromBand_ValueOnAnEdge_ScoresExactlyOne(double expected, double lower, double upper)
    {
        Assert.Equal(1.0, ScoreMath.FromBand(upper, expected, lower, upper));
        Assert.Equal(1.0, ScoreMath.FromBand(lower, expected, lower, upper));
    }

    [Theory]
    [InlineData(100.0, 97.3, 103.7)]
    [InlineData(1e9, 1e9 - 0.1, 1e9 + 0.3)]
    [InlineData(1e15, 1e15 - 1, 1e15 + 1)]
    public void FromBand_NextDoubleBeyondAnEdge_ScoresAboveOne(double expected, double lower, double upper)
    {
        Assert.True(ScoreMath.FromBand(Math.BitIncrement(upper), expected, lower, upper) > 1);
        Assert.True(ScoreMath.FromBand(Math.BitDecrement(lower), expected, lower, upper) > 1);
        Assert.True(ScoreMath.FromBand(Math.BitDecrement(upper), expected, lower, upper) <= 1);
    }

    [Fact]
    public void FromBand_AsymmetricBand_UsesTheHalfWidthOnTheValuesSide()
    {
        Assert.Equal(2.0, ScoreMath.FromBand(14, 10, 9, 12));
        Assert.Equal(3.0, ScoreMath.FromBand(7, 10, 9, 12));
        Assert.Equal(0.0, ScoreMath.FromBand(10, 10, 9, 12));
    }

    [Fact]
    public void FromBand_ZeroWidthBand_ScoresZeroAtExpectationAndTheCapElsewhere()
    {
        Assert.Equal(0.0, ScoreMath.FromBand(5, 5, 5, 5));
        Assert.Equal(ScoreMath.MaxScore, ScoreMath.FromBand(5.1, 5, 5, 5));
    }
}
