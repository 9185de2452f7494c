using Vigil.Core.Series;

namespace Vigil.Core.Tests.Series;

public sealed class SeriesBatchTests
{
    [Fact]
    public void Builder_SeveralSeries_KeepsEachSeriesSamplesApart()
    {
        var builder = new SeriesBatch.Builder(expectedSamples: 1); // forces growth
        builder.BeginSeries(Labels.From(new Label("s", "a")));
        for (var i = 0; i < 40; i++)
        {
            builder.Add(i, i * 0.5);
        }

        builder.BeginSeries(Labels.From(new Label("s", "empty")));
        builder.BeginSeries(Labels.From(new Label("s", "b")));
        builder.Add(7, double.NaN);

        var batch = builder.Build();

        Assert.Equal(3, batch.SeriesCount);
        Assert.Equal(41, batch.SampleCount);
        Assert.Equal(40, batch.GetTimestamps(0).Length);
        Assert.Equal(19.5, batch.GetValues(0)[39]);
        Assert.Equal(0, batch.GetValues(1).Length);
        Assert.True(double.IsNaN(batch.GetValues(2)[0]));
        Assert.Equal("b", batch.GetLabels(2).Get("s"));
    }

    [Fact]
    public void Builder_FeatureVectors_StoresRowMajor()
    {
        var builder = new SeriesBatch.Builder(featureCount: 3);
        builder.BeginSeries(Labels.From(new Label("instance", "a")));
        builder.Add(1, [1.0, 2.0, 3.0]);
        builder.Add(2, [4.0, 5.0, 6.0]);

        var batch = builder.Build();

        Assert.Equal(3, batch.FeatureCount);
        Assert.Equal([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], batch.GetValues(0).ToArray());
        Assert.Throws<ArgumentException>(() =>
        {
            var b = new SeriesBatch.Builder(featureCount: 3);
            b.BeginSeries(Labels.Empty);
            b.Add(1, [1.0]);
        });
    }

    [Fact]
    public void Builder_AddBeforeBeginSeries_Throws()
    {
        var builder = new SeriesBatch.Builder();

        Assert.Throws<InvalidOperationException>(() => builder.Add(1, 1));
    }

    [Fact]
    public void Build_Nothing_IsEmpty() => Assert.Same(SeriesBatch.Empty, new SeriesBatch.Builder().Build());
}
