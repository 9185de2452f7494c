using BenchmarkDotNet.Attributes;
using Vigil.Backtesting;
using Vigil.Core.Detection;

namespace Vigil.Benchmarks;

/// <summary>
/// Per-point cost of each detector in steady state (a warmed series, 10 000 points per invocation), and allocation per
/// point (must be 0 B). Data: a daily sine with noise and occasional spikes, 5-minute steps; for <c>auto_count</c> a
/// one-minute Poisson count of ≈ 20 events a minute with a daily cycle (the count tests' costliest case: item 34's
/// counting-law edges act up to 20 effective events a step).
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*DetectorBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class DetectorBenchmarks
{
    private const int Points = 10_000;
    private double[] _values = [];
    private long[] _timestamps = [];
    private ISeriesDetector _series = null!;
    private long _stepMs;

    // auto: the defaults (its daily profile takes over on this clean daily sine); auto_holt: the profile off
    // (seasonal_profile=0), the Holt forecast only, as on series the profile does not explain; auto_slow: the opt-in
    // slow shift test with the daily-shape reference (detect10); auto_count: the defaults on a small count; auto_count0:
    // the same without item 34's counting-law floor (count_ordinary_tail=0), so the floor's own cost reads as the difference.
    [Params("rolling_sigma", "robust", "ewma", "seasonal", "holt_winters", "auto", "auto_holt", "auto_slow", "auto_count", "auto_count0")]
    public string Type { get; set; } = "auto";

    internal static DetectorSpec Spec(string type) => type switch
    {
        "auto_holt" => new DetectorSpec("auto", new Dictionary<string, string> { ["seasonal_profile"] = "0" }),
        "auto_slow" => new DetectorSpec("auto", new Dictionary<string, string> { ["slow_shift_threshold"] = "12", ["slow_shift_reference"] = "3" }),
        "auto_count" => new DetectorSpec("auto", new Dictionary<string, string>()),
        "auto_count0" => new DetectorSpec("auto", new Dictionary<string, string> { ["count_ordinary_tail"] = "0" }),
        _ => new DetectorSpec(type, new Dictionary<string, string>()),
    };

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = new double[Points];
        _timestamps = new long[Points];
        var count = Type.StartsWith("auto_count", StringComparison.Ordinal);
        _stepMs = count ? 60_000L : 300_000L;
        for (var i = 0; i < Points; i++)
        {
            _timestamps[i] = 1_704_067_200_000 + (i * _stepMs);
            _values[i] = count
                ? Poisson(random, 20 + (5 * Math.Sin(2 * Math.PI * i / 1440.0)))
                : 100 + (10 * Math.Sin(2 * Math.PI * i / 288.0)) + random.NextDouble() + (random.Next(500) == 0 ? 50 : 0);
        }

        _series = DetectorRegistry.CreateDefault().Create(Spec(Type)).CreateSeries();
        // Warm past every fit and window so the benchmark measures the steady state a live series is in.
        for (var round = 0; round < 2; round++)
        {
            Observe();
        }
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double Observe()
    {
        var sum = 0.0;
        var series = _series;
        var values = _values;
        var timestamps = _timestamps;
        for (var i = 0; i < values.Length; i++)
        {
            sum += series.Observe(timestamps[i], values[i]).Score;
        }

        // Keep the timestamps moving forward across invocations (the seasonal bucket cache depends on them).
        for (var i = 0; i < timestamps.Length; i++)
        {
            timestamps[i] += Points * _stepMs;
        }

        return sum;
    }

    // Knuth's product of uniforms: exact for the small rates used here.
    private static int Poisson(Random random, double rate)
    {
        var limit = Math.Exp(-rate);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
        {
            k++;
        }

        return k;
    }
}

/// <summary>
/// Memory of one series: allocation of CreateSeries plus a warm-up long enough to fit every model (transient fit buffers
/// included), and the serialised state size. Run: ... -- --filter '*DetectorStateBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class DetectorStateBenchmarks
{
    private IDetector _detector = null!;

    [Params("rolling_sigma", "robust", "ewma", "seasonal", "holt_winters", "auto", "auto_holt")]
    public string Type { get; set; } = "auto";

    [GlobalSetup]
    public void Setup() => _detector = DetectorRegistry.CreateDefault().Create(DetectorBenchmarks.Spec(Type));

    [Benchmark]
    public int CreateWarmAndSerialise()
    {
        var series = _detector.CreateSeries();
        for (var i = 0; i < 1200; i++)
        {
            series.Observe(1_704_067_200_000 + (i * 300_000L), 100 + (10 * Math.Sin(2 * Math.PI * i / 288.0)) + ((i * 7919) % 13 * 0.1));
        }

        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        ((ISerializableSeriesDetector)series).WriteState(writer);
        writer.Flush();
        return (int)stream.Length;
    }
}

/// <summary>
/// The whole NAB corpus (41 files, 137k points) through <c>auto</c>, one file after another on one thread.
/// Needs ../shared/bench/nab/data beside the repository. Run: ... -- --filter '*NabCorpusBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class NabCorpusBenchmarks
{
    private TimeSeriesData[] _files = [];
    private IDetector _detector = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }

        string? data = Environment.GetEnvironmentVariable("VIGIL_NAB_DATA");
        for (var ancestor = dir?.Parent; data is null && ancestor is not null; ancestor = ancestor.Parent)
        {
            var candidate = Path.Combine(ancestor.FullName, "shared", "bench", "nab", "data", "data");
            data = Directory.Exists(candidate) ? candidate : null;
        }

        _files = [.. Directory.EnumerateFiles(data ?? throw new DirectoryNotFoundException("NAB data not found (set VIGIL_NAB_DATA)"), "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => TimeSeriesCsv.Read(f, TimeSeriesCsv.DuplicateTimestamps.Keep))];
        _detector = DetectorRegistry.CreateDefault().Create(new DetectorSpec("auto", new Dictionary<string, string>()));
    }

    [Benchmark]
    public double WholeCorpusThroughAuto()
    {
        var sum = 0.0;
        foreach (var file in _files)
        {
            var series = _detector.CreateSeries();
            for (var i = 0; i < file.Count; i++)
            {
                sum += series.Observe(file.TimestampsMs[i], file.Values[i]).Score;
            }
        }

        return sum;
    }
}
