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

    /// <summary>Every registered univariate type with its defaults (the ones users get).</summary>
    public static TheoryData<string> AllTypes() => [.. DetectorRegistry.CreateDefault().Types];
}
