namespace Vigil.Exposition.Tests;

public sealed class HistogramTests
{
    [Fact]
    public void Observe_Values_RendersCumulativeBucketsSumAndCount()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("op_seconds", "Op.", [0.1, 1, 10]).Unlabelled;
        foreach (var v in new[] { 0.05, 0.1, 0.5, 1, 5, 20, 30 })
        {
            histogram.Observe(v);
        }

        var samples = ExpositionParser.ParseSamples(TestRender.Render(registry));

        Assert.Equal(
            [("op_seconds_bucket", "0.1", 2.0), ("op_seconds_bucket", "1", 4), ("op_seconds_bucket", "10", 5), ("op_seconds_bucket", "+Inf", 7),
             ("op_seconds_sum", null, 56.65), ("op_seconds_count", null, 7)],
            samples.Select(s => (s.Name, s.Label("le"), s.Value)));
        Assert.Equal(7, histogram.Count);
        Assert.Equal(56.65, histogram.Sum, 1e-12);
    }

    [Fact]
    public void Observe_Labelled_PutsLeLastInsideChildBlock()
    {
        var registry = new MetricRegistry();
        registry.CreateHistogram("op_seconds", "Op.", [1], "path").WithLabels("/a \"b\"").Observe(2);

        var text = TestRender.Render(registry);

        Assert.Contains("op_seconds_bucket{path=\"/a \\\"b\\\"\",le=\"1\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("op_seconds_bucket{path=\"/a \\\"b\\\"\",le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("op_seconds_count{path=\"/a \\\"b\\\"\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_NaN_CountsInInfBucketOnly()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("op_seconds", "Op.", [1]).Unlabelled;

        histogram.Observe(double.NaN);

        var buckets = ExpositionParser.ParseSamples(TestRender.Render(registry)).Where(s => s.Name == "op_seconds_bucket").ToArray();
        Assert.Equal([0.0, 1], buckets.Select(b => b.Value));
    }

    [Fact]
    public void Observe_ParallelThreads_CountAndInfBucketAgree()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("op_seconds", "Op.", DefaultBuckets.Latency).Unlabelled;

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                histogram.Observe(i % 100 * 0.01);
            }
        });

        var samples = ExpositionParser.ParseSamples(TestRender.Render(registry));
        Assert.Equal(100_000, samples.Single(s => s.Name == "op_seconds_count").Value);
        Assert.Equal(100_000, samples.Single(s => s.Label("le") == "+Inf").Value);
        Assert.Equal(4 * 250 * 49.5, samples.Single(s => s.Name == "op_seconds_sum").Value, 1e-6);
    }

    [Fact]
    public void CreateHistogram_DefaultLatencyBuckets_RenderedWithSpecFormatting()
    {
        var registry = new MetricRegistry();
        registry.CreateHistogram("op_seconds", "Op.", DefaultBuckets.Latency);

        var les = ExpositionParser.ParseSamples(TestRender.Render(registry)).Select(s => s.Label("le")).OfType<string>();

        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf"], les);
    }

    [Fact]
    public void CreateHistogram_TrailingInfBound_IsNotDuplicated()
    {
        var registry = new MetricRegistry();
        registry.CreateHistogram("op_seconds", "Op.", [1, double.PositiveInfinity]);

        var les = ExpositionParser.ParseSamples(TestRender.Render(registry)).Select(s => s.Label("le")).OfType<string>();

        Assert.Equal(["1", "+Inf"], les);
    }

    [Theory]
    [InlineData(new[] { 1.0, 1.0 })]
    [InlineData(new[] { 2.0, 1.0 })]
    [InlineData(new[] { double.NaN })]
    [InlineData(new[] { double.NegativeInfinity, 1.0 })]
    public void CreateHistogram_BadBuckets_Throws(double[] buckets)
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateHistogram("op_seconds", "Op.", buckets));
    }

    [Fact]
    public void DefaultBuckets_Latency_IsAFreshCopy()
    {
        DefaultBuckets.Latency[0] = 99;

        Assert.Equal(0.005, DefaultBuckets.Latency[0]);
    }
}
