using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Validation;

namespace Vigil.Benchmarks;

/// <summary>
/// Isolation Forest fit and scoring on 100k × 8 rows, the data of tools/sklearn_benchmark.py when it has been
/// written to $VIGIL_BENCH_DATA (default /tmp/vigil-bench), so the numbers sit beside scikit-learn's (docs/models.md):
///   /usr/bin/python3 tools/sklearn_benchmark.py /tmp/vigil-bench
///   dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*IsolationForest*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class IsolationForestBenchmarks
{
    private const int Features = 8;
    private FeatureMatrix _train = null!;
    private FeatureMatrix _test = null!;
    private IsolationForestModel _forest = null!;
    private AnomalyModel _model = null!;
    private double[] _scores = null!;
    private double[] _row = null!;

    [GlobalSetup]
    public void Setup()
    {
        var directory = Environment.GetEnvironmentVariable("VIGIL_BENCH_DATA") ?? "/tmp/vigil-bench";
        (_train, _test) = File.Exists(Path.Combine(directory, "train.f64"))
            ? (Read(Path.Combine(directory, "train.f64")), Read(Path.Combine(directory, "test.f64")))
            : (Generate(100_000, 1), Generate(100_000, 2));
        _forest = IsolationForestModel.Fit(_train, new IsolationForestOptions { RandomState = 1 });
        _model = new AnomalyModel("bench", [.. Enumerable.Range(0, Features).Select(i => $"f{i}")], FeatureScaler.Identity(Features), _forest);
        _scores = new double[_test.Rows];
        _row = _test.Row(0).ToArray();

        // Detection quality beside the speed: ROC AUC on the labelled test set (sklearn's is in sklearn.json).
        var labels = Path.Combine(directory, "test_labels.f64");
        if (File.Exists(labels))
        {
            var positives = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(labels)).ToArray().Select(v => v == 1.0).ToArray();
            var aucs = Enumerable.Range(1, 5).Select(seed =>
            {
                var forest = IsolationForestModel.Fit(_train, new IsolationForestOptions { RandomState = (ulong)seed });
                return RocAuc.Compute(forest.ScoreSamples(_test).Select(s => -s).ToArray(), positives);
            }).ToList();
            Console.WriteLine(FormattableString.Invariant($"// Vigil ROC AUC (seeds 1-5): mean {aucs.Average():0.0000}, min {aucs.Min():0.0000}, max {aucs.Max():0.0000}"));
        }
    }

    [Benchmark(Description = "fit 100 trees, 100k x 8, 1 thread")]
    public IsolationForestModel FitSingleThread()
        => IsolationForestModel.Fit(_train, new IsolationForestOptions { RandomState = 1, MaxDegreeOfParallelism = 1 });

    [Benchmark(Description = "fit 100 trees, 100k x 8, all cores")]
    public IsolationForestModel FitAllCores() => IsolationForestModel.Fit(_train, new IsolationForestOptions { RandomState = 1 });

    [Benchmark(Description = "score 100k rows, 1 thread")]
    public double[] ScoreSingleThread()
    {
        _forest.ScoreSamples(_test, _scores, maxDegreeOfParallelism: 1);
        return _scores;
    }

    [Benchmark(Description = "score 100k rows, all cores")]
    public double[] ScoreAllCores()
    {
        _forest.ScoreSamples(_test, _scores);
        return _scores;
    }

    [Benchmark(Description = "one live point (scale + score)")]
    public Verdict ScoreOnePoint() => _model.Score(_row);

    private static FeatureMatrix Read(string path)
    {
        var values = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(path)).ToArray();
        return new FeatureMatrix(values, values.Length / Features, Features);
    }

    private static FeatureMatrix Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var matrix = new FeatureMatrix(rows, Features);
        for (var r = 0; r < rows; r++)
        {
            var common = Gaussian(random);
            for (var c = 0; c < Features; c++)
            {
                matrix.MutableRow(r)[c] = (0.85 * common) + (0.5 * Gaussian(random));
            }
        }

        return matrix;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
