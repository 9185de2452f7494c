using System.Buffers;
using System.Globalization;
using System.Text;
using Vigil.Core.Series;

namespace Vigil.Exposition.Tests;

public sealed class MetricRegistryTests
{
    [Fact]
    public void WriteTo_FamiliesThenCollectors_InRegistrationOrder()
    {
        var registry = new MetricRegistry();
        registry.Register(new FixedCollector("c_first"));
        registry.CreateGauge("b_gauge_value", "B.");
        registry.CreateCounter("a_events_total", "A.");

        var names = TestRender.Render(registry).Split('\n').Where(l => l.StartsWith("# TYPE", StringComparison.Ordinal)).ToArray();

        Assert.Equal(["# TYPE b_gauge_value gauge", "# TYPE a_events_total counter", "# TYPE c_first gauge"], names);
    }

    [Fact]
    public void WithLabels_SameValues_ReturnsSameChild()
    {
        var family = new MetricRegistry().CreateCounter("x_total", "X.", "a", "b");

        var first = family.WithLabels("1", "2");
        var values = new[] { "1", "2" };
        var second = family.WithLabels(values);
        values[0] = "changed";

        Assert.Same(first, second);
        Assert.Same(first, family.WithLabels("1", "2"));
    }

    [Fact]
    public void WithLabels_WrongValueCount_Throws()
    {
        var family = new MetricRegistry().CreateGauge("x", "X.", "a", "b");

        Assert.Throws<ArgumentException>(() => family.WithLabels("only-one"));
    }

    [Fact]
    public void WithLabels_NullValue_Throws()
    {
        var family = new MetricRegistry().CreateGauge("x", "X.", "a");

        Assert.Throws<ArgumentNullException>(() => family.WithLabels([null!]));
    }

    [Fact]
    public void Unlabelled_FamilyWithLabels_Throws()
    {
        var family = new MetricRegistry().CreateCounter("x_total", "X.", "a");

        Assert.Throws<InvalidOperationException>(() => family.Unlabelled);
    }

    [Fact]
    public void Unlabelled_NeverUpdated_RendersZero()
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("x_total", "X.");

        Assert.Contains("\nx_total 0\n", TestRender.Render(registry), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_ExistingChild_DropsItFromOutput()
    {
        var registry = new MetricRegistry();
        var family = registry.CreateGauge("x", "X.", "k");
        family.WithLabels("keep").Set(1);
        family.WithLabels("drop").Set(2);

        Assert.True(family.Remove("drop"));
        Assert.False(family.Remove("drop"));

        var samples = ExpositionParser.ParseSamples(TestRender.Render(registry));
        Assert.Equal(["keep"], samples.Select(s => s.Label("k")));
    }

    [Fact]
    public void Remove_ThenWithLabels_CreatesFreshChild()
    {
        var family = new MetricRegistry().CreateGauge("x", "X.", "k");
        family.WithLabels("a").Set(5);
        family.Remove("a");

        Assert.Equal(0, family.WithLabels("a").Value);
    }

    [Theory]
    [InlineData("1bad")]
    [InlineData("bad-name")]
    [InlineData("")]
    public void CreateGauge_InvalidName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge(name, "H."));
    }

    [Theory]
    [InlineData("__reserved")]
    [InlineData("bad-label")]
    [InlineData("le")]
    [InlineData("quantile")]
    public void CreateGauge_InvalidOrReservedLabelName_Throws(string labelName)
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge("x", "H.", labelName));
    }

    [Fact]
    public void CreateGauge_DuplicateLabelName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge("x", "H.", "a", "a"));
    }

    [Fact]
    public void CreateGauge_DuplicateName_Throws()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("x", "H.");

        Assert.Throws<ArgumentException>(() => registry.CreateGauge("x", "H."));
    }

    [Fact]
    public void CreateHistogram_NameClashesWithExistingGaugeSeries_Throws()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("latency", "H.");

        Assert.Throws<ArgumentException>(() => registry.CreateHistogram("latency", "H.", [1]));
    }

    [Fact]
    public void CreateCounter_WithoutTotalSuffix_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateCounter("requests", "H."));
    }

    [Theory]
    [InlineData("x_total")]
    [InlineData("x_count")]
    [InlineData("x_sum")]
    [InlineData("x_bucket")]
    public void CreateGauge_CounterOrHistogramSuffix_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge(name, "H."));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void CreateGauge_BlankHelp_Throws(string help)
    {
        Assert.Throws<ArgumentException>(() => new MetricRegistry().CreateGauge("x", help));
    }

    [Fact]
    public void Register_SameCollectorTwice_Throws()
    {
        var registry = new MetricRegistry();
        var collector = new FixedCollector("c");
        registry.Register(collector);

        Assert.Throws<ArgumentException>(() => registry.Register(collector));
    }

    [Fact]
    public void Inc_NegativeOrNaN_Throws()
    {
        var counter = new MetricRegistry().CreateCounter("x_total", "X.").Unlabelled;

        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Inc(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Inc(double.NaN));
        Assert.Equal(0, counter.Value);
    }

    [Fact]
    public void Inc_ParallelThreads_ExactTotal()
    {
        var counter = new MetricRegistry().CreateCounter("x_total", "X.").Unlabelled;
        const int threads = 4;
        const int perThread = 100_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                counter.Inc();
            }
        });

        Assert.Equal(threads * perThread, counter.Value);
    }

    [Fact]
    public void Gauge_SetIncDec_TracksValue()
    {
        var gauge = new MetricRegistry().CreateGauge("x", "X.").Unlabelled;

        gauge.Set(10);
        gauge.Inc(2.5);
        gauge.Dec();
        gauge.Dec(0.5);

        Assert.Equal(11, gauge.Value);
    }

    [Fact]
    public void Gauge_ParallelIncAndDec_EndsWhereItStarted()
    {
        var gauge = new MetricRegistry().CreateGauge("x", "X.").Unlabelled;
        gauge.Set(7);

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                if (t % 2 == 0)
                {
                    gauge.Inc();
                }
                else
                {
                    gauge.Dec();
                }
            }
        });

        Assert.Equal(7, gauge.Value);
    }

    [Fact]
    public async Task WriteTo_WhileChildrenAreCreatedAndUpdated_EveryRenderParses()
    {
        var registry = new MetricRegistry();
        var family = registry.CreateCounter("x_total", "X.", "k");
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                family.WithLabels((i % 500).ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            }
        });

        for (var render = 0; render < 50; render++)
        {
            var samples = ExpositionParser.ParseSamples(TestRender.Render(registry));
            Assert.All(samples, s => Assert.True(s.Value >= 0));
            Assert.Equal(samples.Count, samples.Select(s => s.Label("k")).Distinct().Count());
        }

        stop.Cancel();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WriteToAsync_LargeSteppedCollector_FlushesAsItGoesAndWritesWhatWriteToWrites()
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("a_events_total", "A.").Unlabelled.Inc(3);
        registry.Register(new ManySeriesCollector(20_000, stepEvery: 500));
        registry.Register(new FixedCollector("z_last"));
        var buffer = new ArrayBufferWriter<byte>();
        var flushedAt = new List<int>();
        var largestUnflushed = 0;

        await registry.WriteToAsync(
            buffer,
            _ =>
            {
                largestUnflushed = Math.Max(largestUnflushed, buffer.WrittenCount - (flushedAt.Count == 0 ? 0 : flushedAt[^1]));
                flushedAt.Add(buffer.WrittenCount);
                return ValueTask.FromResult(true);
            },
            flushEveryBytes: 16 * 1024,
            CancellationToken.None);

        Assert.Equal(TestRender.Render(registry), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.True(buffer.WrittenCount > 500_000, $"{buffer.WrittenCount} bytes: too little output to need flushing");
        Assert.True(flushedAt.Count > 20, $"{flushedAt.Count} flushes");
        // At most the threshold plus one step (500 samples of ~40 bytes) is ever held back.
        Assert.InRange(largestUnflushed, 16 * 1024, (16 * 1024) + (500 * 64));
    }

    [Fact]
    public async Task WriteToAsync_ClientGone_StopsRendering()
    {
        var registry = new MetricRegistry();
        registry.Register(new ManySeriesCollector(20_000, stepEvery: 500));
        var buffer = new ArrayBufferWriter<byte>();
        var flushes = 0;

        await registry.WriteToAsync(buffer, _ => ValueTask.FromResult(++flushes < 3), flushEveryBytes: 16 * 1024, CancellationToken.None);

        // Three flushes of at least the threshold and at most one step (500 samples) over it, then nothing more.
        Assert.Equal(3, flushes);
        Assert.InRange(buffer.WrittenCount, 3 * 16 * 1024, 3 * ((16 * 1024) + (500 * 64)));
    }

    /// <summary>One gauge with a sample per series, yielding every <paramref name="stepEvery"/> samples.</summary>
    private sealed class ManySeriesCollector(int series, int stepEvery) : ISteppedMetricCollector
    {
        public void Collect(ExpositionWriter writer)
        {
            foreach (var _ in CollectSteps(writer))
            {
            }
        }

        public IEnumerable<int> CollectSteps(ExpositionWriter writer)
        {
            writer.WriteHeader("many_value", "Many.", MetricType.Gauge);
            for (var i = 1; i <= series; i++)
            {
                writer.WriteSample("many_value", [new Label("series", i.ToString(CultureInfo.InvariantCulture))], i);
                if (i % stepEvery == 0)
                {
                    yield return stepEvery;
                }
            }
        }
    }

    private sealed class FixedCollector(string name) : IMetricCollector
    {
        public void Collect(ExpositionWriter writer)
        {
            writer.WriteHeader(name, "Fixed.", MetricType.Gauge);
            writer.WriteSample(name, ReadOnlySpan<byte>.Empty, 1);
        }
    }
}
