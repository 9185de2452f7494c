using Vigil.Core.Features;
using Vigil.Core.Series;

namespace Vigil.Core.Tests.Features;

public sealed class FeatureMatrixTests
{
    [Fact]
    public void FromRows_RaggedRows_Rejected()
        => Assert.Throws<ArgumentException>(() => FeatureMatrix.FromRows([[1.0, 2.0], [3.0]]));

    [Fact]
    public void Slice_CopiesRowsInOrder()
    {
        var m = FeatureMatrix.FromRows([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);

        var slice = m.Slice(1, 2);

        Assert.Equal(2, slice.Rows);
        Assert.Equal([3.0, 4.0, 5.0, 6.0], slice.AsSpan().ToArray());
    }

    [Fact]
    public void Constructor_WrongLength_Rejected()
        => Assert.Throws<ArgumentException>(() => new FeatureMatrix(new double[5], 2, 3));

    [Fact]
    public void SplitAt_KeepsTimeOrderAndSkipCounts()
    {
        var a = Labels.From(new Label("instance", "a"));
        var joined = new JoinedFeatures(
            [a],
            [0, 0, 0],
            [0, 60_000, 120_000],
            FeatureMatrix.FromRows([[1.0], [2.0], [3.0]]),
            new Dictionary<string, long> { [SkipReasons.MissingComponent] = 4 });

        var (before, from) = joined.SplitAt(60_000);

        Assert.Equal([0L], before.TimestampsMs);
        Assert.Equal([60_000L, 120_000], from.TimestampsMs);
        Assert.Equal([2.0, 3.0], from.Rows.AsSpan().ToArray());
        Assert.Equal(4, before.SkippedTotal);
        Assert.Equal(0, from.SkippedTotal);
    }
}
