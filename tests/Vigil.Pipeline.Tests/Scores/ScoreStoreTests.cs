using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Pipeline.Tests.Scores;

public sealed class ScoreStoreTests
{
    [Fact]
    public void ExportLabels_RenamesJobAndReservedNames()
    {
        var labels = ScoreStore.ExportLabels("cpu", Labels.From(new Label("__name__", "up"), new Label("job", "node"), new Label("instance", "a")));

        Assert.Equal(Labels.From(new Label("job", "cpu"), new Label("exported_job", "node"), new Label("metric_name", "up"), new Label("instance", "a")), labels);
    }

    [Fact]
    public void Collect_OnlyScoredSeries_AllFourFamiliesWithEscapedLabels()
    {
        var registry = new MetricRegistry();
        var store = new ScoreStore();
        registry.Register(store);
        store.GetOrAdd("cpu", Labels.From(new Label("path", "a\"b\\c\nd"))).Update(new Verdict(1.5, 10, 8, 12, VerdictKind.Scored), 1000);
        store.GetOrAdd("cpu", Labels.From(new Label("path", "never-scored")));

        var text = MetricsText.Render(registry);

        const string series = "{job=\"cpu\",path=\"a\\\"b\\\\c\\nd\"}";
        Assert.Equal(1.5, MetricsText.Value(text, "vigil_anomaly_score" + series));
        Assert.Equal(10, MetricsText.Value(text, "vigil_expected_value" + series));
        Assert.Equal(8, MetricsText.Value(text, "vigil_expected_lower" + series));
        Assert.Equal(12, MetricsText.Value(text, "vigil_expected_upper" + series));
        Assert.DoesNotContain("never-scored", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectSteps_ManySeries_YieldsEveryStepAndWritesEverySample()
    {
        var store = new ScoreStore();
        for (var i = 0; i < 3000; i++)
        {
            store.GetOrAdd("cpu", Labels.From(new Label("node", $"n{i}"))).Update(new Verdict(0.5, 10, 8, 12, VerdictKind.Scored), 1000);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var steps = store.CollectSteps(new ExpositionWriter(buffer)).ToList();
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);

        // 3000 series x 4 families: full steps, then the remainder in one last step.
        var full = 12_000 / ScoreStore.SamplesPerStep;
        Assert.Equal([.. Enumerable.Repeat(ScoreStore.SamplesPerStep, full), 12_000 - (full * ScoreStore.SamplesPerStep)], steps);
        Assert.Equal(12_000, text.Split('\n').Count(line => line.StartsWith("vigil_", StringComparison.Ordinal)));
        Assert.Equal(text, MetricsText.Render(Registry(store)));
    }

    [Fact]
    public void Remove_DropsTheSeriesFromTheNextRender()
    {
        var registry = new MetricRegistry();
        var store = new ScoreStore();
        registry.Register(store);
        var entry = store.GetOrAdd("cpu", Labels.From(new Label("instance", "gone")));
        entry.Update(new Verdict(0.1, 1, 0, 2, VerdictKind.Scored), 1);
        Assert.Contains("gone", MetricsText.Render(registry), StringComparison.Ordinal);

        store.Remove(entry);

        Assert.DoesNotContain("gone", MetricsText.Render(registry), StringComparison.Ordinal);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void CollectSteps_RendersOnDifferentThreads_ReuseOneScratchSet()
    {
        // Scrapes land on any thread-pool thread; the shared array pool kept a set per thread (≈ 30 MB resident after
        // three reads of /metrics at 100k series). The store keeps one set and every render reuses it.
        var store = new ScoreStore();
        for (var i = 0; i < 2000; i++)
        {
            store.GetOrAdd("cpu", Labels.From(new Label("node", $"n{i}"))).Update(new Verdict(0.5, 10, 8, 12, VerdictKind.Scored), 1000);
        }

        var texts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var thread = new Thread(() => texts.Add(MetricsText.Render(Registry(store))));
            thread.Start();
            thread.Join();
        }

        Assert.Equal(1, store.ScratchesBuilt);
        Assert.All(texts, text => Assert.Equal(texts[0], text));
    }

    [Fact]
    public void CollectSteps_ConcurrentRenders_SecondBuildsItsOwnSetAndBothAgree()
    {
        // A render that finds the kept set taken builds its own; one set is kept afterwards, and it is reused.
        var store = new ScoreStore();
        for (var i = 0; i < 1500; i++)
        {
            store.GetOrAdd("cpu", Labels.From(new Label("node", $"n{i}"))).Update(new Verdict(0.5, i, 8, 12, VerdictKind.Scored), 1000);
        }

        var first = new System.Buffers.ArrayBufferWriter<byte>();
        var second = new System.Buffers.ArrayBufferWriter<byte>();
        using (var a = store.CollectSteps(new ExpositionWriter(first)).GetEnumerator())
        using (var b = store.CollectSteps(new ExpositionWriter(second)).GetEnumerator())
        {
            Assert.True(a.MoveNext());
            Assert.True(b.MoveNext()); // interleaved: both hold a set at once
            while (a.MoveNext() | b.MoveNext())
            {
            }
        }

        Assert.Equal(2, store.ScratchesBuilt);
        Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
        MetricsText.Render(Registry(store));
        Assert.Equal(2, store.ScratchesBuilt);
    }

    [Fact]
    public void CollectSteps_SeriesCountFallsFarBelowTheKeptSet_BuildsASmallerOne()
    {
        var store = new ScoreStore();
        var entries = new List<ScoreEntry>();
        for (var i = 0; i < 5000; i++)
        {
            var entry = store.GetOrAdd("cpu", Labels.From(new Label("node", $"n{i}")));
            entry.Update(new Verdict(0.5, 10, 8, 12, VerdictKind.Scored), 1000);
            entries.Add(entry);
        }

        MetricsText.Render(Registry(store));
        foreach (var entry in entries.Skip(100))
        {
            store.Remove(entry);
        }

        var text = MetricsText.Render(Registry(store));

        Assert.Equal(2, store.ScratchesBuilt); // 5000 slots kept for 100 series would be the old peak held for ever
        Assert.Equal(400, text.Split('\n').Count(line => line.StartsWith("vigil_", StringComparison.Ordinal)));
    }

    private static MetricRegistry Registry(ScoreStore store)
    {
        var registry = new MetricRegistry();
        registry.Register(store);
        return registry;
    }
}
