using System.Runtime.InteropServices;
using System.Text.Json;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Files;

namespace Vigil.Models.Tests.Parity;

public sealed class SklearnParityTests
{
    [SklearnFact]
    public void ScoreSamples_ConvertedSklearnForest_MatchesSklearnWithin1e9()
    {
        var missing = PythonTool.MissingSklearnReason();
        Assert.True(missing is null, "CI=true requires scikit-learn for the parity test: " + missing);

        using var dir = new TempDirectory();
        var (code, output) = PythonTool.Run([Path.Combine(PythonTool.ToolsDirectory, "sklearn_parity.py"), dir.Path, "--points", "10000"], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, "sklearn_parity.py failed: " + output);

        var file = ModelFileFormat.Read(dir.File("model.vmodel"));
        using var meta = JsonDocument.Parse(File.ReadAllText(dir.File("meta.json")));
        var features = meta.RootElement.GetProperty("features").GetInt32();
        var points = ReadDoubles(dir.File("points.f64"));
        var expected = ReadDoubles(dir.File("scores.f64"));
        var predicted = ReadDoubles(dir.File("predict.f64"));
        var x = new FeatureMatrix(points, expected.Length, features);

        var actual = file.Model.Forest.ScoreSamples(x);

        Assert.Equal(10_000, actual.Length);
        Assert.Equal(InputPrecision.Rounded32Bit, file.Model.Forest.Precision);
        Assert.Equal(meta.RootElement.GetProperty("offset").GetDouble(), file.Model.Forest.Offset);
        var worst = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            Assert.Equal((int)predicted[i], file.Model.Forest.Predict(x.Row(i)));
        }

        Assert.True(worst <= 1e-9, $"max |vigil - sklearn| = {worst}");
    }

    private static double[] ReadDoubles(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return MemoryMarshal.Cast<byte, double>(bytes).ToArray();
    }
}
