namespace Vigil.Backtesting.Scenarios;

/// <summary>
/// The normal behaviour of one generated series: a noise-free level per point (<see cref="Level"/>), and how a value is
/// drawn around a level (<see cref="Sample"/>). Incidents change the level or widen the noise; the model does the rest,
/// so a step on a Poisson count is still a Poisson count.
/// </summary>
internal abstract class SeriesModel
{
    private readonly DateTimeOffset _start;

    protected SeriesModel(DateTimeOffset start) => _start = start;

    /// <summary>Small counts: incidents are drawn from the harsher end of each range, so they stay statistically visible.</summary>
    public virtual bool LowCount => false;

    /// <summary>Range of a spike's factor on the level.</summary>
    public virtual (double Min, double Max) SpikeRange => (2, 5);

    /// <summary>Whether the series has a daily peak that can go missing.</summary>
    public virtual bool HasDailyPeak => false;

    /// <summary>Noise-free level at point <paramref name="index"/>; <paramref name="peakFactor"/> scales the daily peak (0.15 when it goes missing).</summary>
    public abstract double Level(int index, double peakFactor = 1.0);

    /// <summary>One observed value around <paramref name="level"/>, noise widened by <paramref name="noiseFactor"/>.</summary>
    public abstract double Sample(int index, double level, double noiseFactor, ScenarioRandom random);

    /// <summary>The typical size of the noise at <paramref name="level"/> (0 for a flat gauge).</summary>
    public abstract double NoiseSd(int index, double level);

    /// <summary>Clamps a value to what the metric can hold.</summary>
    public virtual double Clamp(double value) => Math.Max(0, value);

    protected bool IsWeekend(int index)
    {
        var day = _start.AddMinutes(index).DayOfWeek;
        return day is DayOfWeek.Saturday or DayOfWeek.Sunday;
    }

    /// <summary>Gaussian bump in the time of day, 1 at <paramref name="peakHour"/>.</summary>
    protected double Bump(int index, double peakHour, double widthHours)
    {
        var t = _start.AddMinutes(index);
        var hour = t.Hour + (t.Minute / 60.0);
        var d = (hour - peakHour) / widthHours;
        return Math.Exp(-0.5 * d * d);
    }

    public static SeriesModel Create(SeriesKind kind, DateTimeOffset start, int count, ScenarioRandom random) => kind switch
    {
        SeriesKind.RequestRate => new RequestRate(start, random.Uniform(50, 500)),
        SeriesKind.Latency => new Latency(start, random.Uniform(0.05, 0.4)),
        SeriesKind.PoissonCount => new PoissonCount(start, random.Uniform(1, 5)),
        SeriesKind.Utilisation => new Utilisation(start, count, random.Uniform(0.25, 0.5), random.Uniform(0.1, 0.2), random.Uniform(-0.1, 0.15)),
        SeriesKind.ErrorRatio => new ErrorRatio(start, random.Uniform(500, 2000), random.Uniform(0.002, 0.01)),
        SeriesKind.FlatGauge => new FlatGauge(start, new[] { 2.0, 4, 8, 16, 64, 100 }[random.Int(0, 5)]),
        SeriesKind.BusinessEvents => new BusinessEvents(start, random.Uniform(5, 40)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private sealed class RequestRate(DateTimeOffset start, double peak) : SeriesModel(start)
    {
        public override bool HasDailyPeak => true;

        public override double Level(int index, double peakFactor = 1.0)
            => peak * (IsWeekend(index) ? 0.6 : 1.0) * (0.4 + (0.6 * peakFactor * Bump(index, 14, 3.5)));

        // Poisson-like counting noise plus 3 % of the level (load balancer jitter).
        public override double NoiseSd(int index, double level) => Math.Sqrt(level + (0.03 * level * 0.03 * level));

        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
            => Clamp(level + (noiseFactor * NoiseSd(index, level) * random.Gaussian()));
    }

    private sealed class Latency(DateTimeOffset start, double median) : SeriesModel(start)
    {
        // The heavy tail already puts 1 % of points at 2–5×: a latency spike worth paging on is well beyond it.
        public override (double Min, double Max) SpikeRange => (8, 12);

        public override double Level(int index, double peakFactor = 1.0) => median * (1 + (0.25 * Bump(index, 14, 3.5)));

        public override double NoiseSd(int index, double level) => 0.2 * level;

        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
        {
            // Every draw is taken on every point, so the random stream does not depend on the branch.
            var body = level * Math.Exp(0.2 * noiseFactor * random.Gaussian());
            var tail = random.Chance(0.01);
            var factor = random.Uniform(2, 5);
            return tail ? body * factor : body;
        }
    }

    private sealed class PoissonCount(DateTimeOffset start, double lambda) : SeriesModel(start)
    {
        public override bool LowCount => true;

        public override double Level(int index, double peakFactor = 1.0) => lambda;

        public override double NoiseSd(int index, double level) => Math.Sqrt(level);

        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
            => Widen(random.Poisson(level), level, noiseFactor);
    }

    private sealed class Utilisation(DateTimeOffset start, int count, double baseLevel, double amplitude, double drift) : SeriesModel(start)
    {
        public override bool HasDailyPeak => true;

        public override double Level(int index, double peakFactor = 1.0)
            => Math.Clamp(baseLevel + (amplitude * peakFactor * Bump(index, 14, 3.5) * (IsWeekend(index) ? 0.6 : 1.0)) + (drift * index / count), 0.02, 0.98);

        public override double NoiseSd(int index, double level) => 0.02;

        public override double Clamp(double value) => Math.Clamp(value, 0, 1);

        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
            => Clamp(level + (noiseFactor * 0.02 * random.Gaussian()));
    }

    private sealed class ErrorRatio(DateTimeOffset start, double requestsPeak, double ratio) : SeriesModel(start)
    {
        public override bool LowCount => true;

        public override double Level(int index, double peakFactor = 1.0) => ratio;

        public override double NoiseSd(int index, double level)
        {
            var requests = Requests(index);
            return Math.Sqrt(level * requests) / requests;
        }

        public override double Clamp(double value) => Math.Clamp(value, 0, 1);

        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
        {
            var requests = Math.Max(1, random.Poisson(Requests(index)));
            var errors = random.Poisson(Math.Min(1, level) * requests);
            return Clamp(Widen(Math.Min(errors, requests) / requests, level, noiseFactor));
        }

        private double Requests(int index) => requestsPeak * (IsWeekend(index) ? 0.6 : 1.0) * (0.4 + (0.6 * Bump(index, 14, 3.5)));
    }

    private sealed class FlatGauge(DateTimeOffset start, double value) : SeriesModel(start)
    {
        public override double Level(int index, double peakFactor = 1.0) => value;

        public override double NoiseSd(int index, double level) => 0;

        // A flat gauge has no noise to widen: a variance burst is flapping of 5 % of the value per noise unit.
        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
        {
            var flap = random.Gaussian();
            return noiseFactor == 1.0 ? level : Clamp(level + (0.05 * level * noiseFactor * flap));
        }
    }

    private sealed class BusinessEvents(DateTimeOffset start, double peak) : SeriesModel(start)
    {
        public override bool LowCount => true;

        public override bool HasDailyPeak => true;

        public override double Level(int index, double peakFactor = 1.0)
            => peak * (IsWeekend(index) ? 0.5 : 1.0) * (0.08 + (0.92 * peakFactor * Bump(index, 13, 3)));

        public override double NoiseSd(int index, double level) => Math.Sqrt(level);

        public override double Sample(int index, double level, double noiseFactor, ScenarioRandom random)
            => Widen(random.Poisson(level), level, noiseFactor);
    }

    /// <summary>Widens a draw's distance from its level (a variance burst), keeping the value valid.</summary>
    private static double Widen(double draw, double level, double noiseFactor)
        => noiseFactor == 1.0 ? draw : Math.Max(0, level + (noiseFactor * (draw - level)));
}
