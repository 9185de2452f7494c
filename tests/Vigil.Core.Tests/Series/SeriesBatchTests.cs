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

    [Fact]
    public void Release_WithBuffers_TheNextBatchIsBuiltIntoTheSameArraysWithItsOwnContents()
    {
        var buffers = new SeriesBatchBuffers();
        var first = Build(buffers, series: 3, points: 40, offset: 0);
        first.Release();
        var spare = buffers.SpareSamples;

        var second = Build(buffers, series: 2, points: 35, offset: 1000);

        Assert.True(spare >= 120);
        Assert.Equal(0, buffers.SpareSamples); // taken by the second batch
        Assert.Equal(0, first.SeriesCount); // a released batch is empty, not a view of the next one
        Assert.Equal(0, first.SampleCount);
        Assert.Equal(2, second.SeriesCount);
        Assert.Equal(70, second.SampleCount);
        Assert.Equal("1", second.GetLabels(1).Get("s"));
        Assert.Equal(Enumerable.Range(1000, 35).Select(t => (long)t), second.GetTimestamps(1).ToArray());
        Assert.Equal(1034 * 0.5, second.GetValues(1)[34]);
        Assert.Throws<IndexOutOfRangeException>(() => second.GetLabels(2)); // not a label left in the reused array
    }

    [Fact]
    public void Release_SpareFarLargerThanTheNextBatch_IsDroppedNotKept()
    {
        // A warm-up slice of 2 M samples must not stay as the spare of cycles of 100k: the next batch takes new arrays.
        var buffers = new SeriesBatchBuffers();
        Build(buffers, series: 10, points: 1000, offset: 0).Release();
        Assert.True(buffers.SpareSamples >= 10_000);

        var small = Build(buffers, series: 2, points: 10, offset: 0, expected: 20);
        small.Release();

        Assert.InRange(buffers.SpareSamples, 20, 2_499);
    }

    [Fact]
    public void Release_BatchWithoutBuffers_OnlyEmptiesIt()
    {
        var batch = Build(buffers: null, series: 2, points: 5, offset: 0);

        batch.Release();
        batch.Release();

        Assert.Equal(0, batch.SeriesCount);
        SeriesBatch.Empty.Release();
        Assert.Equal(0, SeriesBatch.Empty.SeriesCount);
    }

    private static SeriesBatch Build(SeriesBatchBuffers? buffers, int series, int points, int offset, int expected = 0)
    {
        var builder = new SeriesBatch.Builder(expected > 0 ? expected : series * points, 1, buffers);
        for (var s = 0; s < series; s++)
        {
            builder.BeginSeries(Labels.From(new Label("s", s.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            for (var t = offset; t < offset + points; t++)
            {
                builder.Add(t, t * 0.5);
            }
        }

        return builder.Build();
    }
}
