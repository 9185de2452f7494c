using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;

namespace Vigil.Core.Tests.IsolationForest;

public sealed class IsolationForestDetectorTests
{
    [Fact]
    public void Validate_MissingModel_NamesParameter()
    {
        var errors = CreateSut(out _).Validate(new Dictionary<string, string>());

        Assert.Contains(errors, e => e.StartsWith("model:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownParameter_Rejected()
    {
        var errors = CreateSut(out _).Validate(new Dictionary<string, string> { ["model"] = "m", ["windw"] = "3" });

        Assert.Contains(errors, e => e.StartsWith("windw:", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_UnknownModel_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => CreateSut(out _).Create(new Dictionary<string, string> { ["model"] = "nope" }));

        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_Outlier_ScoresAboveOneWithNaNBand()
    {
        var detector = CreateSut(out _).Create(new Dictionary<string, string> { ["model"] = "cpu" });
        var series = detector.CreateSeries();

        var outlier = series.Observe(0, [40.0, -40.0]);
        var inlier = series.Observe(0, [0.0, 1.0]);

        Assert.Equal(2, detector.FeatureCount);
        Assert.Equal(0, detector.HistoryPoints);
        Assert.True(outlier.IsAnomaly);
        Assert.False(inlier.IsAnomaly);
        Assert.True(double.IsNaN(outlier.Expected));
    }

    [Fact]
    public void Observe_NonFiniteFeature_IsInvalid()
    {
        var series = CreateSut(out _).Create(new Dictionary<string, string> { ["model"] = "cpu" }).CreateSeries();

        Assert.Equal(VerdictKind.Invalid, series.Observe(0, [double.NaN, 1.0]).Kind);
    }

    [Fact]
    public void Observe_AfterSwap_UsesNewModelWithoutNewSeries()
    {
        var factory = CreateSut(out var provider);
        var series = factory.Create(new Dictionary<string, string> { ["model"] = "cpu" }).CreateSeries();
        var before = series.Observe(0, [3.0, 3.0]);

        // A model trained on a cloud centred at (3, 3) finds (3, 3) normal.
        provider.Handle.Swap(Model("v2", ForestData.Cloud(1000, 2, seed: 3), shift: 3));
        var after = series.Observe(0, [3.0, 3.0]);

        Assert.True(after.Score < before.Score);
    }

    [Fact]
    public void Swap_DifferentFeatures_Rejected()
    {
        CreateSut(out var provider);
        var other = new AnomalyModel("v9", ["a", "b"], FeatureScaler.Identity(2), provider.Handle.Current.Forest);

        Assert.Throws<ArgumentException>(() => provider.Handle.Swap(other));
    }

    private static IsolationForestDetectorFactory CreateSut(out FakeProvider provider)
    {
        provider = new FakeProvider(new ModelHandle("cpu", Model("v1", ForestData.Cloud(1000, 2, seed: 1), shift: 0)));
        return new IsolationForestDetectorFactory(provider);
    }

    private static AnomalyModel Model(string version, FeatureMatrix x, double shift)
    {
        var data = x.AsSpan().ToArray();
        for (var i = 0; i < data.Length; i++)
        {
            data[i] += shift;
        }

        var shifted = new FeatureMatrix(data, x.Rows, x.Columns);
        var forest = IsolationForestModel.Fit(shifted, new IsolationForestOptions { RandomState = 1, Estimators = 50 });
        return new AnomalyModel(version, ["cpu", "latency"], FeatureScaler.Identity(2), forest);
    }

    private sealed class FakeProvider(ModelHandle handle) : IModelProvider
    {
        public ModelHandle Handle => handle;

        public ModelHandle Get(string name) => string.Equals(name, handle.Name, StringComparison.Ordinal)
            ? handle
            : throw new InvalidOperationException($"No active model '{name}'.");
    }
}
