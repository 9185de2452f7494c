using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Scheduling;

public sealed class ShardAssignmentTests
{
    [Fact]
    public void Owns_ManySeriesAnyCount_EachSeriesBelongsToExactlyOneShardAndTheSplitIsEven()
    {
        const int seed = 20261206;
        var random = new Random(seed);
        var series = Enumerable.Range(0, 3000)
            .Select(i => Labels.From(new Label("instance", $"10.0.{random.Next(256)}.{i}:9100"), new Label("job", "node")))
            .ToList();
        for (var count = 1; count <= 5; count++)
        {
            var shards = Enumerable.Range(0, count).Select(i => new ShardAssignment(count, i)).ToList();
            foreach (var labels in series)
            {
                Assert.True(shards.Count(s => s.Owns(labels)) == 1, $"seed {seed}, count {count}: {labels} owned by {shards.Count(s => s.Owns(labels))} shards");
            }

            // Spread: no shard holds more than 1.25× its fair share of 3000 series.
            var largest = shards.Max(s => series.Count(s.Owns));
            Assert.True(largest <= 1.25 * series.Count / count, $"seed {seed}, count {count}: largest shard {largest}");
        }
    }

    [Fact]
    public void ShardOf_SameLabelsInAnyConstructionOrder_SameShard()
    {
        var a = Labels.From(new Label("b", "2"), new Label("a", "1"));
        var b = Labels.From(new Label("a", "1"), new Label("b", "2"));

        Assert.Equal(ShardAssignment.ShardOf(a, 7), ShardAssignment.ShardOf(b, 7));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5_000)] // longer than the stack buffer: the pooled path
    public void ShardOf_ValuesOfAnyLength_IsMd5OfTheJoinedValuesModuloCount(int length)
    {
        var value = new string('é', length);
        var labels = Labels.From(new Label("a", value), new Label("b", "x;y"));
#pragma warning disable CA5351 // the definition under test (Prometheus' hashmod)
        var md5 = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(value + ";x;y"));
#pragma warning restore CA5351
        var expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(md5.AsSpan(8)) % 7;

        Assert.Equal(expected, ShardAssignment.ShardOf(labels, 7));
    }

    [Theory]
    [InlineData("vigil-0", 0)]
    [InlineData("vigil-12", 12)]
    [InlineData("my-vigil-statefulset-3", 3)]
    [InlineData("vigil", null)]
    [InlineData("vigil-", null)]
    [InlineData(null, null)]
    public void OrdinalFromHostname_StatefulSetPodName_GivesTheOrdinal(string? hostname, int? expected)
    {
        Assert.Equal(expected, ShardAssignment.OrdinalFromHostname(hostname));
    }

    [Fact]
    public void ShardingOptions_IndexFromHostnameOrErrors()
    {
        Assert.Equal(2, new ShardingOptions { Count = 3 }.Resolve("vigil-2").Assignment!.Index);
        Assert.Equal(1, new ShardingOptions { Count = 3, Index = 1 }.Resolve("vigil-2").Assignment!.Index);
        Assert.Contains("does not end in a StatefulSet ordinal", Assert.Single(new ShardingOptions { Count = 3 }.Resolve("laptop").Errors), StringComparison.Ordinal);
        Assert.Contains("(from HOSTNAME)", Assert.Single(new ShardingOptions { Count = 3 }.Resolve("vigil-3").Errors), StringComparison.Ordinal);
        Assert.Contains("sharding.count", Assert.Single(new ShardingOptions { Count = 0 }.Resolve("vigil-0").Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobRunners_ThreeShardsOverOneQuery_ScoreEverySeriesExactlyOnceAndExportTheShard()
    {
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        var input = new FakeInput();
        var all = Enumerable.Range(0, 60).Select(i => Labels.From(new Label("instance", $"host-{i.ToString(CultureInfo.InvariantCulture)}"))).ToList();
        foreach (var labels in all)
        {
            input.Set(labels, _ => 10);
        }

        var captures = new List<Capture>();
        var runners = new List<JobRunner>();
        var metrics = new List<VigilMetrics>();
        for (var index = 0; index < 3; index++)
        {
            var capture = new Capture();
            var vigil = new VigilMetrics(new MetricRegistry());
            captures.Add(capture);
            metrics.Add(vigil);
            runners.Add(new JobRunner(
                new JobOptions { Name = "cpu", Query = "up", Interval = TimeSpan.FromMinutes(1) },
                input,
                Detector(),
                capture,
                vigil,
                clock,
                clock,
                TimeSpan.FromMinutes(10),
                new CapturingLogger(),
                shard: new ShardAssignment(3, index)));
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var runner in runners)
        {
            Assert.True((await runner.RunCycleAsync(CancellationToken.None)).Success);
        }

        var scored = captures.SelectMany((c, i) => c.Series.Select(s => (Shard: i, s.Labels))).ToList();
        Assert.Equal(all.Count, scored.Count);
        Assert.Equal(all.Select(l => l.ToString()).Order(StringComparer.Ordinal), scored.Select(s => s.Labels.Without("shard").ToString()).Order(StringComparer.Ordinal));
        Assert.All(scored, s => Assert.Equal(s.Shard.ToString(CultureInfo.InvariantCulture), s.Labels.Get("shard")));
        Assert.Equal(all.Count, runners.Sum(r => r.SeriesCount));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(all.Count - runners[i].SeriesCount, metrics[i].ForeignSeries.WithLabels("cpu").Value);
        }
    }

    private sealed class Capture : IVerdictSink
    {
        public HashSet<ScoredSeries> Series { get; } = [];

        public void Publish(VerdictBatch batch)
        {
            foreach (ref readonly var point in batch.Points)
            {
                Series.Add(point.Series);
            }
        }
    }

    private static IDetector Detector()
        => DetectorRegistry.CreateDefault().Create(new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = "10", ["min_points"] = "2" }));
}
