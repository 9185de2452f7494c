using Vigil.Core.Detection;
using Vigil.Core.Detectors.Auto;

namespace Vigil.Core.Tests.Detectors.Auto;

public sealed class WorkingScaleTests
{
    [Fact]
    public void ChooseTransform_PoissonLikeIntegers_AreCounts()
    {
        float[] values = [0, 2, 1, 3, 0, 1, 4, 2, 1, 0, 2, 3];

        var t = AutoBaseline.ChooseTransform(values, AutoOptions.TransformAuto, 0.1);

        Assert.Equal(TransformKind.Counts, t.Kind);
    }

    [Fact]
    public void ChooseTransform_IntegerGaugeThatBarelyMoves_KeepsItsOwnScale()
    {
        // A temperature in whole degrees varies far less than its mean: not a count, so no Poisson floor.
        float[] values = [70, 71, 70, 72, 71, 70, 71, 71, 72, 70];

        var t = AutoBaseline.ChooseTransform(values, AutoOptions.TransformAuto, 0.1);

        Assert.NotEqual(TransformKind.Counts, t.Kind);
    }

    [Fact]
    public void ChooseTransform_PositiveFractions_AreOnTheLogScale()
    {
        float[] values = [0.12f, 0.1f, 0.15f, 0.11f, 0.4f, 0.13f];

        var t = AutoBaseline.ChooseTransform(values, AutoOptions.TransformAuto, 0.1);

        Assert.Equal(TransformKind.Log, t.Kind);
        Assert.Equal(0.1 * 0.13, t.Knee, 6);
    }

    [Fact]
    public void ChooseTransform_NegativeValues_StayAsTheyAre()
    {
        float[] values = [-1, 0.5f, 2, -3];

        Assert.Equal(TransformKind.Identity, AutoBaseline.ChooseTransform(values, AutoOptions.TransformAuto, 0.1).Kind);
    }

    [Theory]
    [InlineData((byte)TransformKind.Counts)]
    [InlineData((byte)TransformKind.Log)]
    public void FromWorking_OfToWorking_IsTheValueAndTheMapIsIncreasing(byte transform)
    {
        var kind = (TransformKind)transform;
        var t = new ValueTransform(kind, 0.5);
        double[] xs = [-5, -0.375, -0.1, 0, 0.01, 1, 3, 20, 1e4];
        for (var i = 0; i < xs.Length; i++)
        {
            Assert.Equal(xs[i], t.FromWorking(t.ToWorking(xs[i])), 1e-9 * Math.Max(1, Math.Abs(xs[i])));
            if (i > 0)
            {
                Assert.True(t.ToWorking(xs[i]) > t.ToWorking(xs[i - 1]), $"{kind}: not increasing at {xs[i]}");
            }
        }
    }
}
