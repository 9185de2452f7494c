using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.History;

/// <summary>
/// A history buffer keeps a point in 24 bytes (the timestamp as an offset from the buffer's base, the kind in its lowest
/// bit): every field must read back exactly as published, across the moves of the base, for any step and span the
/// retention allows.
/// </summary>
public sealed class RecentHistoryStorageTests
{
    private static readonly ScoredSeries Series = new("cpu", Labels.From(new Label("instance", "a")), "auto");

    [Theory]
    [InlineData(1, 1_000L)]        // one second, with millisecond jitter
    [InlineData(2, 60_000L)]       // one minute
    [InlineData(3, 3_600_000L)]    // one hour: 7 days of retention cross the offsets' range several times
    [InlineData(4, 86_400_000L)]   // one day
    public void Publish_RandomPoints_EveryFieldReadsBackExactlyAsTheNewestOnesWithinRetention(int seed, long stepMs)
    {
        var retention = TimeSpan.FromDays(7);
        var sut = new RecentHistory(new RecentHistoryOptions { Retention = retention, MaxPointsPerSeries = 500, MaxBytes = 1L << 30 });
        var random = new Random(seed);
        var published = new List<HistoryPoint>();
        var t = 1_700_000_000_000L + random.Next(1_000);
        for (var i = 0; i < 2_000; i++)
        {
            t += stepMs + random.Next(-(int)Math.Min(stepMs / 4, 250), (int)Math.Min(stepMs / 4, 250) + 1);
            var kind = random.Next(4) == 0 ? VerdictKind.Warmup : VerdictKind.Scored;
            var point = new HistoryPoint(t, RandomFloat(random), RandomFloat(random), RandomFloat(random), RandomFloat(random), RandomFloat(random), kind);
            published.Add(point);
            Publish(sut, point);

            if (i % 97 == 0 || i == 1_999)
            {
                var expected = published.Where(p => p.TimestampMs >= t - (long)retention.TotalMilliseconds).TakeLast(500).ToList();
                var kept = sut.Query(Series.Source, Series.Labels, long.MinValue, long.MaxValue);
                Assert.Equal(expected.Count, kept.Count);
                for (var j = 0; j < expected.Count; j++)
                {
                    AssertSame(expected[j], kept[j]);
                }
            }
        }
    }

    [Fact]
    public void Publish_TimestampsBeforeTheFirstPoint_KeptExactly()
    {
        // Points a little older than the buffer's base (negative offsets) read back as published.
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 10 });
        HistoryPoint[] points = [Point(1_000_000_000L, 1), Point(999_000_000L, 2), Point(999_999_999L, 3)];
        foreach (var p in points)
        {
            Publish(sut, p);
        }

        Assert.Equal(points, sut.Query(Series.Source, Series.Labels, long.MinValue, long.MaxValue));
    }

    [Fact]
    public void Publish_RetentionLongerThanTheOffsetsReach_KeepsTheNewest12DaysExactly()
    {
        // Options built in code may ask for 30 days (configuration allows 7): a buffer holds 12.4 days (2^30 ms) at most
        // around its newest point, and drops older points when its base moves.
        var sut = new RecentHistory(new RecentHistoryOptions { Retention = TimeSpan.FromDays(30), MaxPointsPerSeries = 1_000, MaxBytes = 1L << 30 });
        var day = 86_400_000L;
        for (var i = 0; i <= 40; i++)
        {
            Publish(sut, Point(i * day, i));
        }

        var kept = sut.Query(Series.Source, Series.Labels, long.MinValue, long.MaxValue);

        Assert.Equal(40 * day, kept[^1].TimestampMs);
        Assert.All(kept, p => Assert.InRange(40 * day - p.TimestampMs, 0, (1L << 30) - 1));
        Assert.True(kept.Count >= 12, $"kept {kept.Count} daily points");
        Assert.Equal(Enumerable.Range(41 - kept.Count, kept.Count).Select(i => (float)i), kept.Select(p => p.Value));
    }

    [Fact]
    public void Publish_TimeGoesBackBeyondTheOffsetsReach_StartsAgainFromTheNewPoint()
    {
        // A replay restarted a month earlier: the old points cannot share a base with the new one, so they go.
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 10 });
        var month = 30L * 86_400_000;
        Publish(sut, Point(month, 1));
        Publish(sut, Point(month + 60_000, 2));

        Publish(sut, Point(0, 3));

        Assert.Equal([Point(0, 3)], sut.Query(Series.Source, Series.Labels, long.MinValue, long.MaxValue));
    }

    [Fact]
    public void Import_InvalidPoint_NotKept()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 10 });
        var valid = Point(60_000, 1);

        sut.Import("cpu", new SeriesHistory(Series.Labels, [valid, Point(120_000, 2) with { Kind = VerdictKind.Invalid }]));

        Assert.Equal([valid], sut.Query("cpu", Series.Labels, long.MinValue, long.MaxValue));
    }

    private static HistoryPoint Point(long t, float value) => new(t, value, 0.5f, value, value - 1, value + 1, VerdictKind.Scored);

    private static void Publish(RecentHistory sut, HistoryPoint p)
    {
        var batch = new VerdictBatch("cpu");
        batch.Add(new ScoredPoint(Series, p.TimestampMs, p.Value, new Verdict(p.Score, p.Expected, p.Lower, p.Upper, p.Kind)));
        sut.Publish(batch);
    }

    // Any float a verdict can carry, −0, subnormals and NaN included (each comes back with the same bits).
    private static float RandomFloat(Random random) => random.Next(8) switch
    {
        0 => -0f,
        1 => float.Epsilon * random.Next(1, 100),
        2 => float.NaN,
        _ => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue) & ~0x7F800000 | (random.Next(1, 254) << 23)),
    };

    private static void AssertSame(HistoryPoint expected, HistoryPoint actual)
    {
        Assert.Equal(expected.TimestampMs, actual.TimestampMs);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Value), BitConverter.SingleToInt32Bits(actual.Value));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Score), BitConverter.SingleToInt32Bits(actual.Score));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Expected), BitConverter.SingleToInt32Bits(actual.Expected));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Lower), BitConverter.SingleToInt32Bits(actual.Lower));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Upper), BitConverter.SingleToInt32Bits(actual.Upper));
    }
}
