using Vigil.Backtesting.Nab;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Tests.Nab;

public sealed class NabRunnerTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0.5)]
    [InlineData(3, 0.75)]
    [InlineData(-1, 0)]
    public void ToUnitScore_IsSOverOnePlusS(double score, double expected)
    {
        Assert.Equal(expected, NabRunner.ToUnitScore(score), 12);
    }

    [Fact]
    public void ToUnitScore_IsMonotoneAndBelowOne()
    {
        var previous = -1.0;
        foreach (var s in new[] { 0, 0.5, 1, 1.0000001, 2, 10, 1000 })
        {
            var u = NabRunner.ToUnitScore(s);
            Assert.True(u > previous && u < 1);
            previous = u;
        }
    }

    [Fact]
    public void DefaultThreshold_SeparatesScoreOneFromAbove()
    {
        Assert.True(NabRunner.ToUnitScore(1.0) < NabRunner.DefaultThreshold);
        Assert.True(NabRunner.ToUnitScore(1.000001) >= NabRunner.DefaultThreshold);
    }

    [Fact]
    public void RunAndWrite_NabLayout_OneRowPerDataRowWithHeader()
    {
        var root = Path.Combine(Path.GetTempPath(), $"vigil-nabrun-{Guid.NewGuid():N}");
        try
        {
            var dataDir = Path.Combine(root, "data", "cat");
            Directory.CreateDirectory(dataDir);
            var rows = string.Join('\n', Enumerable.Range(0, 50).Select(i => $"2014-04-01 {i / 12:00}:{i % 12 * 5:00}:00,{(i == 45 ? 100 : i % 3)}"));
            File.WriteAllText(Path.Combine(dataDir, "file.csv"), "timestamp,value\n" + rows + "\n");
            var detector = DetectorRegistry.CreateDefault().Create(new DetectorSpec("ewma", new Dictionary<string, string> { ["min_points"] = "10" }));

            var result = NabBenchmark.Run(Path.Combine(root, "data"), Path.Combine(root, "out"), detector);

            Assert.Equal(1, result.Files);
            Assert.Null(result.Optimised); // no labels in this directory
            var written = File.ReadAllLines(Path.Combine(root, "out", "cat", "file.csv"));
            Assert.Equal("timestamp,anomaly_score", written[0]);
            Assert.Equal(51, written.Length);
            Assert.StartsWith("2014-04-01 00:00:00,", written[1], StringComparison.Ordinal);
            Assert.True(double.Parse(written[46].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture) > 0.5);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
