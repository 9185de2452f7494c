using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Series;
using Vigil.Models.Training;
using Vigil.Models.Validation;

namespace Vigil.Models.Tests.Validation;

public sealed class ValidatorTests
{
    [Fact]
    public void Evaluate_LabelledWindow_ComputesPrecisionRecallF1()
    {
        // A one-feature model: x = 0 is normal (score < 1), x = 100 is an outlier (score > 1).
        var model = Model();
        var a = Labels.From(new Label("instance", "a"));
        var b = Labels.From(new Label("instance", "b"));

        // Rows: (a, t=0, outlier, labelled) TP; (a, t=1, normal, labelled) FN; (b, t=0, outlier, not labelled) FP; (b, t=1, normal) TN.
        var rows = new JoinedFeatures(
            [a, b],
            [0, 1, 0, 1],
            [0, 0, 60_000, 60_000],
            FeatureMatrix.FromRows([[100.0], [100.0], [0.0], [0.0]]),
            new Dictionary<string, long>());
        var incident = new IncidentWindow(DateTimeOffset.FromUnixTimeMilliseconds(0), DateTimeOffset.FromUnixTimeMilliseconds(60_000), a);

        var report = Validator.Evaluate(model, rows, [incident]);

        Assert.Equal(4, report.Rows);
        Assert.Equal(0.5, report.AnomalyRate);
        Assert.Equal(2, report.LabelledAnomalies);
        Assert.Equal(0.5, report.Precision);
        Assert.Equal(0.5, report.Recall);
        Assert.Equal(0.5, report.F1);
    }

    [Fact]
    public void Evaluate_NoIncidents_LeavesF1Unset()
    {
        var rows = new JoinedFeatures([Labels.Empty], [0], [0], FeatureMatrix.FromRows([[0.0]]), new Dictionary<string, long>());

        var report = Validator.Evaluate(Model(), rows, []);

        Assert.Null(report.F1);
        Assert.DoesNotContain(report.ToMetrics(), m => m.Key == "f1");
    }

    [Fact]
    public void Evaluate_NoRows_ZeroRate()
    {
        var rows = new JoinedFeatures([], [], [], new FeatureMatrix(0, 1), new Dictionary<string, long>());

        Assert.Equal(0, Validator.Evaluate(Model(), rows, []).Rows);
    }

    private static AnomalyModel Model()
    {
        var random = new Random(1);
        var x = FeatureMatrix.FromRows([.. Enumerable.Range(0, 500).Select(_ => new[] { TestModels.Gaussian(random) })]);
        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { RandomState = 1, Contamination = 0.01 });
        return new AnomalyModel("v", ["x"], FeatureScaler.Identity(1), forest);
    }
}
