using BenchmarkDotNet.Attributes;
using Vigil.Core.Detection;

namespace Vigil.Benchmarks;

/// <summary>
/// Item 34's counting-law quantile alone, per call: the reference loop (<see cref="CountShiftTest.CountUpper"/>, the pmf
/// summed from 0) against the walk from the last quantile (<see cref="CountQuantile.Upper"/>), on the inputs a live count
/// feeds it: a rate drifting by about 1 % a point around 5 or 20 events, a dispersion of 1 (Poisson) or drifting around
/// 1.3 (negative binomial), the default tail 1e-4. Both methods in one run, so a loaded machine slows both alike.
/// Run: ... -- --filter '*CountQuantileBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class CountQuantileBenchmarks
{
    private const int Calls = 4096;
    private const double Tail = 1e-4;
    private double[] _means = [];
    private double[] _dispersions = [];
    private int _hint;

    [Params(5.0, 20.0)]
    public double Rate { get; set; } = 20;

    [Params(false, true)]
    public bool Overdispersed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _means = new double[Calls];
        _dispersions = new double[Calls];
        var mean = Rate;
        var dispersion = 1.3;
        for (var i = 0; i < Calls; i++)
        {
            mean = Math.Clamp(mean * Math.Exp(0.02 * (random.NextDouble() - 0.5)), 0.8 * Rate, 1.2 * Rate);
            dispersion = Math.Clamp(dispersion + (0.01 * (random.NextDouble() - 0.5)), 1.1, 1.5);
            _means[i] = mean;
            _dispersions[i] = Overdispersed ? dispersion : 1;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public int Reference()
    {
        var sum = 0;
        for (var i = 0; i < Calls; i++)
        {
            sum += CountShiftTest.CountUpper(_means[i], _dispersions[i], Tail);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public int Walked()
    {
        var sum = 0;
        for (var i = 0; i < Calls; i++)
        {
            sum += CountQuantile.Upper(_means[i], _dispersions[i], Tail, ref _hint);
        }

        return sum;
    }
}
