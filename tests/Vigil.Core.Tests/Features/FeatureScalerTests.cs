using Vigil.Core.Features;

namespace Vigil.Core.Tests.Features;

public sealed class FeatureScalerTests
{
    [Fact]
    public void Fit_Standard_GivesZeroMeanUnitVariance()
    {
        var x = FeatureMatrix.FromRows([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]);
        var scaler = FeatureScaler.Fit(x, [ScalingKind.Standard, ScalingKind.Standard]);

        var scaled = scaler.Transform(x);
        for (var c = 0; c < 2; c++)
        {
            var column = Enumerable.Range(0, 4).Select(r => scaled[r, c]).ToArray();
            Assert.Equal(0, column.Average(), 12);
            Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 12);
        }
    }

    [Fact]
    public void Fit_Robust_UsesMedianAndIqrAndIgnoresOutlier()
    {
        var x = FeatureMatrix.FromRows([[1.0], [2.0], [3.0], [4.0], [5.0], [1e9]]);
        var scaler = FeatureScaler.Fit(x, [ScalingKind.Robust]);

        // numpy.percentile([1, 2, 3, 4, 5, 1e9], [25, 50, 75]) == [2.25, 3.5, 4.75]
        Assert.Equal(3.5, scaler.Centers[0], 12);
        Assert.Equal(2.5, scaler.Scales[0], 12);
    }

    [Fact]
    public void Fit_ConstantColumn_GetsUnitScale()
    {
        var scaler = FeatureScaler.Fit(FeatureMatrix.FromRows([[7.0], [7.0]]), [ScalingKind.Standard]);

        Assert.Equal(1.0, scaler.Scales[0]);
    }

    [Fact]
    public void Constructor_ZeroScale_Rejected()
        => Assert.Throws<ArgumentException>(() => new FeatureScaler([ScalingKind.Standard], [0.0], [0.0]));
}
