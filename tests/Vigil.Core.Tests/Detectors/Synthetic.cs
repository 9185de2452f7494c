using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors;

/// <summary>Deterministic synthetic series with known answers. Timestamps are 5-minute steps from 2024-01-01 UTC.</summary>
internal static class Synthetic
{
    public const long StepMs = 300_000;
    public const long StartMs = 1_704_067_200_000;

    public static long Time(int i) => StartMs + (i * StepMs);

    /// <summary>Gaussian noise around <paramref name="level"/> (Box-Muller on a seeded Random).</summary>
    public static double[] Noise(int n, double level, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = level + (sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    /// <summary>A daily sine (period 288 points at 5-minute steps) plus noise.</summary>
    public static double[] Daily(int n, double level, double amplitude, double sigma, int seed)
    {
        var values = Noise(n, level, sigma, seed);
        for (var i = 0; i < n; i++)
        {
            values[i] += amplitude * Math.Sin(2 * Math.PI * i / 288.0);
        }

        return values;
    }

    /// <summary>A flat Poisson count of <paramref name="rate"/> a minute, × <paramref name="factor"/> on [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static double[] FlatCount(int n, double rate, int from, int to, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = Poisson(random, i >= from && i < to ? factor * rate : rate);
        }

        return values;
    }

    /// <summary>
    /// <paramref name="n"/> minutes of <see cref="Latency"/> around <paramref name="level"/>, × <paramref name="factor"/> on
    /// [<paramref name="from"/>, <paramref name="to"/>) (the incident scales the drawn point, so the draws are the same with
    /// or without it).
    /// </summary>
    public static double[] LatencySeries(int n, double level, int from, int to, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var v = Latency(random, level);
            values[i] = i >= from && i < to ? factor * v : v;
        }

        return values;
    }

    /// <summary>A Poisson count (Knuth's method: fine for the small rates of these tests).</summary>
    public static int Poisson(Random random, double lambda)
    {
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= random.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }

    /// <summary>
    /// One latency sample around <paramref name="level"/>: log-normal noise (σ 0.2) and, on 1 % of points, a routine
    /// slow request at 2–5× (the heavy tail the isolated-point edge and the tail tests are about).
    /// </summary>
    public static double Latency(Random random, double level)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        var v = level * Math.Exp(0.2 * z);
        if (random.NextDouble() < 0.01)
        {
            v *= 2 + (3 * random.NextDouble());
        }

        return v;
    }

    /// <summary>The indices where an episode opens, as the live loop's <see cref="EpisodeTracker"/> would page.</summary>
    public static List<int> Onsets(Verdict[] verdicts)
    {
        var episodes = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        var onsets = new List<int>();
        for (var i = 0; i < verdicts.Length; i++)
        {
            if (episodes.Observe(i, 0, verdicts[i]) == EpisodeTransition.Onset)
            {
                onsets.Add(i);
            }
        }

        return onsets;
    }

    /// <summary>
    /// A one-minute request rate from midnight UTC: 40 + 60 × a Gaussian bump at 14:00 (3.5 h wide), noise σ 2; on day
    /// <paramref name="missingPeakDay"/> (−1: none) the bump falls to 0.15 of itself from 10:00 to 18:00.
    /// </summary>
    public static double[] DailyRequestRate(int days, int seed, int missingPeakDay)
    {
        const int day = 1440;
        var random = new Random(seed);
        var values = new double[days * day];
        for (var i = 0; i < values.Length; i++)
        {
            var hour = (i % day) / 60.0;
            var bump = Math.Exp(-0.5 * Math.Pow((hour - 14) / 3.5, 2));
            var missing = i / day == missingPeakDay && hour >= 10 && hour < 18;
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = 40 + (60 * (missing ? 0.15 : 1) * bump) + (2 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    /// <summary>
    /// Runs <paramref name="check"/> for seeds 1–5 and fails once, naming every seed whose check returned a message
    /// (null: the seed passed), so one run shows all failing seeds, not only the first.
    /// </summary>
    public static void AssertEverySeed(Func<int, string?> check)
    {
        var failures = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            if (check(seed) is { } failure)
            {
                failures.Add(failure);
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>How many of <paramref name="verdicts"/>[<paramref name="from"/>..<paramref name="to"/>) satisfy <paramref name="predicate"/>.</summary>
    public static int Count(Verdict[] verdicts, int from, int to, Func<Verdict, bool> predicate)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            n += predicate(verdicts[i]) ? 1 : 0;
        }

        return n;
    }

    /// <summary>Runs <paramref name="values"/> through <paramref name="series"/> at one-minute steps from <see cref="StartMs"/> + <paramref name="offset"/> minutes.</summary>
    public static Verdict[] RunMinutes(ISeriesDetector series, double[] values, int offset = 0)
    {
        var verdicts = new Verdict[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            verdicts[i] = series.Observe(StartMs + ((offset + i) * 60_000L), values[i]);
        }

        return verdicts;
    }

    public static Verdict[] RunMinutes(IDetector detector, double[] values) => RunMinutes(detector.CreateSeries(), values);

    /// <summary>
    /// One <c>auto</c> series with <paramref name="parameters"/> over one-minute points from the epoch (00:00, as
    /// <see cref="StartMs"/>, so the time of day is the same; the latency tests of detect19 and detect26 were measured so).
    /// </summary>
    public static Verdict[] RunAutoFromEpoch(double[] values, IReadOnlyDictionary<string, string> parameters)
    {
        var series = new Vigil.Core.Detectors.Auto.AutoDetectorFactory().Create(parameters).CreateSeries();
        var verdicts = new Verdict[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            verdicts[i] = series.Observe(i * 60_000L, values[i]);
        }

        return verdicts;
    }

    public static Verdict[] Run(ISeriesDetector series, double[] values, int offset = 0)
    {
        var verdicts = new Verdict[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            verdicts[i] = series.Observe(Time(offset + i), values[i]);
        }

        return verdicts;
    }

    public static Verdict[] Run(IDetector detector, double[] values) => Run(detector.CreateSeries(), values);

    public static IDetector Create(string type, params (string Key, string Value)[] parameters)
        => DetectorRegistry.CreateDefault().Create(new DetectorSpec(type, parameters.ToDictionary(p => p.Key, p => p.Value)));

    /// <summary>
    /// A new series of <paramref name="detector"/> restored from the state <paramref name="written"/> writes now, as a
    /// restart restores it from the state directory.
    /// </summary>
    public static ISerializableSeriesDetector Restore(IDetector detector, ISerializableSeriesDetector written)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            written.WriteState(writer);
        }

        buffer.Position = 0;
        var restored = (ISerializableSeriesDetector)detector.CreateSeries();
        using var reader = new BinaryReader(buffer);
        restored.ReadState(reader);
        return restored;
    }

    /// <summary>Every registered univariate type with its defaults (the ones users get).</summary>
    public static TheoryData<string> AllTypes() => [.. DetectorRegistry.CreateDefault().Types];
}
