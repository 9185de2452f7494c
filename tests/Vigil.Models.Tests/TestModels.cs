using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Files;

namespace Vigil.Models.Tests;

/// <summary>Small deterministic models and a temp directory per test.</summary>
internal static class TestModels
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static FeatureMatrix Cloud(int rows, int columns, int seed, double shift = 0)
    {
        var random = new Random(seed);
        var matrix = new FeatureMatrix(rows, columns);
        for (var r = 0; r < rows; r++)
        {
            var common = Gaussian(random);
            for (var c = 0; c < columns; c++)
            {
                matrix.MutableRow(r)[c] = shift + (10 * c) + common + (0.3 * Gaussian(random));
            }
        }

        return matrix;
    }

    public static ModelFile File(string name = "checkout", DateTimeOffset? createdAt = null, ulong seed = 1, int estimators = 10)
    {
        var x = Cloud(500, 2, seed: (int)seed);
        var scaler = FeatureScaler.Fit(x, [ScalingKind.Standard, ScalingKind.Robust]);
        var forest = IsolationForestModel.Fit(scaler.Transform(x), new IsolationForestOptions { Estimators = estimators, RandomState = seed, Contamination = 0.05 });
        return ModelFileFormat.Create(
            new ModelDescription
            {
                Name = name,
                CreatedAt = createdAt ?? T0,
                Queries = ["rate(cpu[5m])", "histogram_quantile(0.99, rate(latency_bucket[5m]))"],
                JoinLabels = ["instance"],
                Step = TimeSpan.FromMinutes(1),
                Training = new TrainingInfo { From = T0.AddDays(-14), To = T0, Rows = 500 },
                Validation = new Dictionary<string, double> { ["anomaly_rate"] = 0.05 },
                Contamination = 0.05,
                RandomState = seed,
            },
            new AnomalyModel("draft", ["cpu", "latency_p99"], scaler, forest));
    }

    public static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
