using System.Globalization;

namespace Vigil.Core.Detection;

/// <summary>
/// The per-query policy applied identically on top of every detector type (see <see cref="PolicyDetector"/>).
/// Parsed by <see cref="DetectorRegistry"/> from the same parameter map as the detector's own parameters.
/// </summary>
public sealed record PolicyOptions
{
    public const string DirectionKey = "direction";
    public const string MinAbsDeviationKey = "min_abs_deviation";
    public const string MinRelDeviationKey = "min_rel_deviation";
    public const string DataRangeKey = "data_range";
    public const string OutOfRangeScoreKey = "out_of_range_score";
    public const string WarmupKey = "warmup";

    public const double DefaultOutOfRangeScore = 2.0;

    public static PolicyOptions None { get; } = new();

    /// <summary>Parameter names the policy owns; every other parameter belongs to the detector.</summary>
    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        DirectionKey, MinAbsDeviationKey, MinRelDeviationKey, DataRangeKey, OutOfRangeScoreKey, WarmupKey,
    };

    /// <summary>Which side may alert. Default both.</summary>
    public Direction Direction { get; init; } = Direction.Both;

    /// <summary>Deviations smaller than this (in the metric's unit) never score above 1. Default 0 (off).</summary>
    public double MinAbsDeviation { get; init; }

    /// <summary>Deviations smaller than this fraction of |expected| never score above 1. Default 0 (off).</summary>
    public double MinRelDeviation { get; init; }

    /// <summary>Smallest valid value. Default −∞.</summary>
    public double RangeMin { get; init; } = double.NegativeInfinity;

    /// <summary>Largest valid value. Default +∞.</summary>
    public double RangeMax { get; init; } = double.PositiveInfinity;

    /// <summary>Score given to a value outside [<see cref="RangeMin"/>, <see cref="RangeMax"/>]; such a value is never learned. Default 2.</summary>
    public double OutOfRangeScore { get; init; } = DefaultOutOfRangeScore;

    /// <summary>Points (valid ones) that score 0 as warm-up, on top of the detector's own warm-up. Default 0.</summary>
    public int Warmup { get; init; }

    public bool IsNone => this == None;

    /// <summary>Reads the policy keys of <paramref name="parameters"/>, adding one message per problem to <paramref name="errors"/>.</summary>
    public static PolicyOptions Parse(IReadOnlyDictionary<string, string> parameters, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(errors);
        var policyOnly = parameters.Where(p => Keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var reader = new DetectorParameters(policyOnly);
        var minAbs = reader.ReadDouble(MinAbsDeviationKey, 0, 0, double.MaxValue);
        var minRel = reader.ReadDouble(MinRelDeviationKey, 0, 0, 1000);
        var warmup = reader.ReadInt(WarmupKey, 0, 0, 10_000_000);
        var outOfRange = reader.ReadDouble(OutOfRangeScoreKey, DefaultOutOfRangeScore, 0, ScoreMath.MaxScore);
        errors.AddRange(reader.Errors);

        var direction = Direction.Both;
        if (policyOnly.TryGetValue(DirectionKey, out var directionText))
        {
            switch (directionText.Trim().ToLowerInvariant())
            {
                case "both": direction = Direction.Both; break;
                case "above": direction = Direction.Above; break;
                case "below": direction = Direction.Below; break;
                default: errors.Add($"{DirectionKey}: '{directionText}' must be both, above or below"); break;
            }
        }

        var (rangeMin, rangeMax) = (double.NegativeInfinity, double.PositiveInfinity);
        if (policyOnly.TryGetValue(DataRangeKey, out var rangeText) && !TryParseRange(rangeText, out rangeMin, out rangeMax))
        {
            errors.Add($"{DataRangeKey}: '{rangeText}' must be MIN..MAX (either side may be empty, e.g. 0.. or 0..100) with MIN ≤ MAX");
        }

        return new PolicyOptions
        {
            Direction = direction,
            MinAbsDeviation = minAbs,
            MinRelDeviation = minRel,
            RangeMin = rangeMin,
            RangeMax = rangeMax,
            OutOfRangeScore = outOfRange,
            Warmup = warmup,
        };
    }

    private static bool TryParseRange(string text, out double min, out double max)
    {
        min = double.NegativeInfinity;
        max = double.PositiveInfinity;
        var parts = text.Split("..", 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            return false;
        }

        if (parts[0].Length > 0 && !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out min))
        {
            return false;
        }

        if (parts[1].Length > 0 && !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out max))
        {
            return false;
        }

        return !double.IsNaN(min) && !double.IsNaN(max) && min <= max;
    }
}
