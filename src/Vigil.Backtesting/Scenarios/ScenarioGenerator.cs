using System.Globalization;

namespace Vigil.Backtesting.Scenarios;

/// <summary>
/// Generates the operational scenario suite: Prometheus-like series (one point a minute) with labelled incidents, fully
/// determined by <see cref="ScenarioSuiteOptions.Seed"/>. Layout of every series:
/// <list type="bullet">
/// <item>day 0: history, no incident (warms the detector as the live loop's history query does; not evaluated);</item>
/// <item>then incidents in a shuffled rotation of the kinds that apply, each followed by 4–10 hours of clean data;</item>
/// <item>a permanent level shift 12 hours before the end, so adaptation (<c>adapt_after</c>) can be checked.</item>
/// </list>
/// Each point's noise comes from its own stream (seed, series, index), so a series generated without incidents differs
/// from the one with incidents only inside the incident windows (and after the level shift).
/// </summary>
public static class ScenarioGenerator
{
    public const long StepMs = 60_000;

    public const int PointsPerDay = 1440;

    /// <summary>Points at the start of every series that hold no incident (the detector's history).</summary>
    public const int HistoryPoints = PointsPerDay;

    /// <summary>Points between the level shift and the end of the series.</summary>
    public const int AfterShiftPoints = 12 * 60;

    /// <summary>Minimum clean points after an incident before the next one (its recovery window fits in it).</summary>
    public const int MinGapPoints = 4 * 60;

    public static IReadOnlyList<Scenario> Generate(ScenarioSuiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        var result = new List<Scenario>();
        foreach (var kind in Enum.GetValues<SeriesKind>())
        {
            for (var i = 0; i < options.SeriesPerKind; i++)
            {
                result.Add(Generate(kind, i, options));
            }
        }

        return result;
    }

    public static Scenario Generate(SeriesKind kind, int index, ScenarioSuiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var count = options.Days * PointsPerDay;
        var parameters = ScenarioRandom.For(options.Seed, kind, index);
        var model = SeriesModel.Create(kind, options.Start, count, parameters);
        // Drawn before the schedule, so a series generated without incidents has the same noise.
        var seriesSeed = parameters.NextUInt64();
        var incidents = options.InjectIncidents ? Schedule(model, count, options.Start, parameters) : [];

        var timestamps = new long[count];
        var values = new double[count];
        var startMs = options.Start.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            timestamps[i] = startMs + (i * StepMs);
            values[i] = Value(model, incidents, i, new ScenarioRandom(seriesSeed ^ ((ulong)i * 0xD1B54A32D192ED03UL)));
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{ScenarioNames.Of(kind)}_{index}");
        return new Scenario(name, kind, index, timestamps, values, incidents);
    }

    private static double Value(SeriesModel model, IReadOnlyList<ScenarioIncident> incidents, int i, ScenarioRandom noise)
    {
        var peakFactor = 1.0;
        var levelFactor = 1.0;
        var noiseFactor = 1.0;
        ScenarioIncident? spike = null;
        foreach (var incident in incidents)
        {
            if (!incident.Contains(i))
            {
                continue;
            }

            switch (incident.Kind)
            {
                case IncidentKind.Step or IncidentKind.Drop or IncidentKind.LevelShift:
                    levelFactor *= incident.Magnitude;
                    break;
                case IncidentKind.Ramp:
                    levelFactor *= 1 + ((incident.Magnitude - 1) * (i - incident.Start + 1) / incident.Length);
                    break;
                case IncidentKind.VarianceBurst:
                    noiseFactor *= incident.Magnitude;
                    break;
                case IncidentKind.MissingPeak:
                    peakFactor = 0.15;
                    break;
                case IncidentKind.Spike:
                    spike = incident;
                    break;
            }
        }

        var level = model.Level(i, peakFactor) * levelFactor;
        var value = model.Sample(i, level, noiseFactor, noise);
        if (spike is not null)
        {
            // At least ten noise widths above the level, so a spike is never confused with ordinary noise.
            var sd = model.NoiseSd(i, level);
            value = model.Clamp(value + Math.Max((spike.Magnitude - 1) * level, 10 * sd));
        }

        return value;
    }

    private static List<ScenarioIncident> Schedule(SeriesModel model, int count, DateTimeOffset start, ScenarioRandom random)
    {
        var shiftAt = count - AfterShiftPoints;
        var kinds = Enum.GetValues<IncidentKind>().Where(k => k != IncidentKind.LevelShift && (k != IncidentKind.MissingPeak || model.HasDailyPeak)).ToArray();
        var bag = new List<IncidentKind>();
        var incidents = new List<ScenarioIncident>();
        var position = HistoryPoints + random.Int(60, 240);
        var misses = 0;
        while (misses < kinds.Length)
        {
            if (bag.Count == 0)
            {
                bag.AddRange(kinds);
                Shuffle(bag, random);
            }

            var kind = bag[^1];
            bag.RemoveAt(bag.Count - 1);
            var (from, length) = Place(kind, position, start, random);
            if (from + length + MinGapPoints > shiftAt)
            {
                misses++;
                continue;
            }

            misses = 0;
            incidents.Add(new ScenarioIncident(kind, from, from + length, Magnitude(kind, model, random)));
            position = from + length + random.Int(MinGapPoints, 10 * 60);
        }

        incidents.Add(new ScenarioIncident(IncidentKind.LevelShift, shiftAt, count, Magnitude(IncidentKind.LevelShift, model, random)));
        return incidents;
    }

    private static (int Start, int Length) Place(IncidentKind kind, int position, DateTimeOffset start, ScenarioRandom random)
    {
        switch (kind)
        {
            case IncidentKind.MissingPeak:
                // 10:00–18:00 of the first day whose 10:00 is not before the position.
                var offset = (int)(start.TimeOfDay.TotalMinutes % PointsPerDay);
                var dayStart = ((position + offset) / PointsPerDay * PointsPerDay) - offset;
                var peakStart = dayStart + (10 * 60);
                return (peakStart >= position ? peakStart : peakStart + PointsPerDay, 8 * 60);
            case IncidentKind.Spike:
                return (position, random.Int(1, 3));
            case IncidentKind.Step:
                return (position, random.Int(30, 120));
            case IncidentKind.Drop:
                return (position, random.Int(60, 240));
            case IncidentKind.Ramp:
                return (position, random.Int(60, 180));
            case IncidentKind.VarianceBurst:
                return (position, random.Int(30, 90));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static double Magnitude(IncidentKind kind, SeriesModel model, ScenarioRandom random)
    {
        var lowCount = model.LowCount;
        return kind switch
        {
            // Small counts (λ of a few per minute) get the harsher end of each range: a 1.5× step on λ = 2 for 30 minutes
            // is within two standard errors of normal, and no detector can be asked to see it.
            IncidentKind.Spike => random.Uniform(model.SpikeRange.Min, model.SpikeRange.Max),
            IncidentKind.Step => lowCount ? random.Uniform(2.5, 4) : random.Uniform(1.5, 4),
            IncidentKind.Drop => lowCount ? random.Uniform(0, 0.5) : random.Uniform(0, 0.9),
            IncidentKind.Ramp => lowCount ? random.Uniform(3, 4) : random.Uniform(2, 3),
            IncidentKind.VarianceBurst => random.Uniform(4, 8),
            IncidentKind.MissingPeak => 0,
            IncidentKind.LevelShift => random.Chance(0.5)
                ? (lowCount ? random.Uniform(2.5, 3.5) : random.Uniform(1.5, 2.5))
                : (lowCount ? random.Uniform(0.25, 0.4) : random.Uniform(0.4, 0.7)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static void Shuffle(List<IncidentKind> list, ScenarioRandom random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Int(0, i);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
