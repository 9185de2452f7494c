using System.Runtime.InteropServices;
using System.Text.Json;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Validation;

namespace Vigil.Models.Tests.Parity;

public sealed class SklearnAucTests
{
    [SklearnFact]
    public void Fit_SameLabelledData_AucWithinOneHundredthOfSklearn()
    {
        var missing = PythonTool.MissingSklearnReason();
        Assert.True(missing is null, "CI=true requires scikit-learn for the AUC comparison: " + missing);
        using var dir = new TempDirectory();
        var (code, output) = PythonTool.Run(
            [Path.Combine(PythonTool.ToolsDirectory, "sklearn_benchmark.py"), dir.Path, "--rows", "20000", "--repeat", "1"],
            TimeSpan.FromMinutes(5));
        Assert.True(code == 0, "sklearn_benchmark.py failed: " + output);
        using var meta = JsonDocument.Parse(File.ReadAllText(dir.File("sklearn.json")));
        var features = meta.RootElement.GetProperty("features").GetInt32();
        var sklearnAuc = meta.RootElement.GetProperty("roc_auc").GetDouble();
        var train = Matrix(dir.File("train.f64"), features);
        var test = Matrix(dir.File("test.f64"), features);
        var labels = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("test_labels.f64"))).ToArray().Select(v => v == 1.0).ToArray();

        // Several seeds: the comparison is between algorithms, not between two lucky draws.
        var aucs = new List<double>();
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var forest = IsolationForestModel.Fit(train, new IsolationForestOptions { RandomState = seed });
            var scores = forest.ScoreSamples(test).Select(s => -s).ToArray();
            aucs.Add(RocAuc.Compute(scores, labels));
        }

        Assert.True(Math.Abs(aucs.Average() - sklearnAuc) <= 0.01, $"Vigil AUC {string.Join(", ", aucs)} vs scikit-learn {sklearnAuc}");
    }

    private static FeatureMatrix Matrix(string path, int features)
    {
        var values = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(path)).ToArray();
        return new FeatureMatrix(values, values.Length / features, features);
    }
}
