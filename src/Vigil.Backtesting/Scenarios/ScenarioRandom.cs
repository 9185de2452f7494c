namespace Vigil.Backtesting.Scenarios;

/// <summary>
/// The suite's own PRNG (SplitMix64, Steele et al. 2014): the same seed gives the same series on every runtime and
/// platform, which <see cref="System.Random"/> only promises for its legacy seeded algorithm.
/// </summary>
internal sealed class ScenarioRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Derives an independent stream for one series from the suite seed and the series' identity.</summary>
    public static ScenarioRandom For(int suiteSeed, SeriesKind kind, int index)
    {
        var mixed = Mix((ulong)(uint)suiteSeed) ^ Mix(((ulong)(int)kind << 32) | (uint)index);
        return new ScenarioRandom(Mix(mixed));
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [min, max] (both inclusive).</summary>
    public int Int(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min + 1));

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Standard normal by Box–Muller (one of the pair is dropped: simplicity over speed).</summary>
    public double Gaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Poisson by Knuth's product method below λ = 30, a rounded normal above (error below 1 % there).</summary>
    public double Poisson(double lambda)
    {
        if (lambda <= 0)
        {
            return 0;
        }

        if (lambda >= 30)
        {
            return Math.Max(0, Math.Round(lambda + (Math.Sqrt(lambda) * Gaussian())));
        }

        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
