using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline;
using Vigil.Tests.Fakes;

namespace Vigil.Tests.Pipeline;

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
}
