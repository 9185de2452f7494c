using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Features;
using Vigil.Core.Series;

namespace Vigil.Core.Tests.Features;

public sealed class FeatureJoinerTests
{
    [Fact]
    public void Join_AlignedQueries_OneRowPerEntityPerStep()
    {
        var cpu = Batch(("a", [(0, 1.0), (60, 2.0)]), ("b", [(0, 10.0), (60, 20.0)]));
        var latency = Batch(("b", [(0, 0.5), (60, 0.6)]), ("a", [(0, 0.1), (60, 0.2)]));

        var joined = CreateSut().Join([cpu, latency]);

        Assert.Equal(4, joined.Rows.Rows);
        Assert.Equal(0, joined.SkippedTotal);
        Assert.Equal([0L, 0, 60_000, 60_000], joined.TimestampsMs);
        var first = joined.Entities[joined.EntityIndex[0]];
        Assert.Equal("a", first.Get("instance"));
        Assert.Equal([1.0, 0.1], joined.Rows.Row(0).ToArray());
        Assert.Equal([10.0, 0.5], joined.Rows.Row(1).ToArray());
    }

    [Fact]
    public void Join_EntityMissingFromOneQuery_SkippedAsMissingComponentNeverZeroFilled()
    {
        var cpu = Batch(("a", [(0, 1.0)]), ("b", [(0, 10.0), (60, 11.0)]));
        var latency = Batch(("a", [(0, 0.1)]));

        var joined = CreateSut().Join([cpu, latency]);

        Assert.Equal(1, joined.Rows.Rows);
        Assert.Equal(2, joined.Skipped[SkipReasons.MissingComponent]);
    }

    [Fact]
    public void Join_GapInOneSeries_SkipsOnlyThatStep()
    {
        var cpu = Batch(("a", [(0, 1.0), (60, 2.0), (120, 3.0)]));
        var latency = Batch(("a", [(0, 0.1), (120, 0.3)]));

        var joined = CreateSut().Join([cpu, latency]);

        Assert.Equal([0L, 120_000], joined.TimestampsMs);
        Assert.Equal(1, joined.Skipped[SkipReasons.MissingComponent]);
    }

    [Fact]
    public void Join_NaNComponent_SkippedAsNonFinite()
    {
        var joined = CreateSut().Join([Batch(("a", [(0, double.NaN)])), Batch(("a", [(0, 1.0)]))]);

        Assert.Equal(0, joined.Rows.Rows);
        Assert.Equal(1, joined.Skipped[SkipReasons.NonFinite]);
    }

    [Fact]
    public void Join_ExtraLabels_IgnoredForIdentity()
    {
        var builder = new SeriesBatch.Builder();
        builder.BeginSeries(Labels.From(new Label("instance", "a"), new Label("job", "node"), new Label("__name__", "cpu")));
        builder.Add(0, 1);

        var joined = CreateSut().Join([builder.Build(), Batch(("a", [(0, 2.0)]))]);

        Assert.Equal(1, joined.Rows.Rows);
        Assert.Equal(Labels.From(new Label("instance", "a")), joined.Entities[0]);
    }

    [Fact]
    public void Join_SeriesWithoutJoinLabel_Counted()
    {
        var builder = new SeriesBatch.Builder();
        builder.BeginSeries(Labels.From(new Label("job", "node")));
        builder.Add(0, 1);
        builder.Add(60_000, 1);

        var joined = CreateSut().Join([builder.Build(), Batch(("a", [(0, 2.0)]))]);

        Assert.Equal(2, joined.Skipped[SkipReasons.MissingJoinLabel]);
    }

    [Fact]
    public void Join_TwoSeriesForOneEntity_DroppedAsDuplicate()
    {
        var builder = new SeriesBatch.Builder();
        builder.BeginSeries(Labels.From(new Label("instance", "a"), new Label("cpu", "0")));
        builder.Add(0, 1);
        builder.BeginSeries(Labels.From(new Label("instance", "a"), new Label("cpu", "1")));
        builder.Add(0, 2);

        var joined = CreateSut().Join([builder.Build(), Batch(("a", [(0, 2.0)]))]);

        Assert.Equal(0, joined.Rows.Rows);
        Assert.Equal(2, joined.Skipped[SkipReasons.DuplicateSeries]);
        Assert.Equal(1, joined.Skipped[SkipReasons.MissingComponent]);
    }

    [Fact]
    public void Join_RowCountPlusSkipped_CoversEveryTimestamp_Property()
    {
        // Every (entity, timestamp) seen in any query ends up either as a row or counted once as skipped.
        Prop.ForAll<bool[]>(mask =>
        {
            var a = new List<(long, double)>();
            var b = new List<(long, double)>();
            for (var i = 0; i < mask.Length; i++)
            {
                a.Add((i * 60, i));
                if (mask[i])
                {
                    b.Add((i * 60, -i));
                }
            }

            var joined = CreateSut().Join([Batch(("x", [.. a])), Batch(("x", [.. b]))]);
            return joined.Rows.Rows + joined.SkippedTotal == mask.Length && joined.Rows.Rows == mask.Count(m => m);
        }).QuickCheckThrowOnFailure();
    }

    private static FeatureJoiner CreateSut() => new(["instance"]);

    private static SeriesBatch Batch(params (string Instance, (long Seconds, double Value)[] Samples)[] series)
    {
        var builder = new SeriesBatch.Builder();
        foreach (var (instance, samples) in series)
        {
            builder.BeginSeries(Labels.From(new Label("instance", instance)));
            foreach (var (seconds, value) in samples)
            {
                builder.Add(seconds * 1000, value);
            }
        }

        return builder.Build();
    }
}
