using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Auto;

public sealed class AutoDetectorFactory : IDetectorFactory
{
    public const string TypeName = "auto";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (options, errors) = Parse(parameters);
        return errors.Count == 0 ? new AutoDetector(options) : throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
    }

    private static (AutoOptions Options, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        var d = new AutoOptions();
        var p = new DetectorParameters(parameters);
        var options = new AutoOptions
        {
            LocalWindow = p.ReadInt("local_window", d.LocalWindow, 8, 100_000),
            FitPoints = p.ReadInt("fit_points", d.FitPoints, 16, 100_000),
            MinPoints = p.ReadInt("min_points", d.MinPoints, 2, 100_000),
            RangeFloor = p.ReadDouble("range_floor", d.RangeFloor, 0, 1),
            ZCap = p.ReadDouble("z_cap", d.ZCap, 1, 1e6),
            ShortWindow = p.ReadInt("short_window", d.ShortWindow, 1, 1000),
            LongAlpha = p.ReadDouble("long_alpha", d.LongAlpha, 1e-6, 1),
            Threshold = p.ReadDouble("threshold", d.Threshold, 0.01, 1000),
            RestPoints = p.ReadInt("rest_points", d.RestPoints, 0, 1_000_000),
            RestFactor = p.ReadDouble("rest_factor", d.RestFactor, 0, 1),
            NoveltyTolerance = p.ReadDouble("novelty_tolerance", d.NoveltyTolerance, 0, 100),
            NoveltyScore = p.ReadDouble("novelty_score", d.NoveltyScore, 0, ScoreMath.MaxScore),
            NoveltyMinPoints = p.ReadInt("novelty_min_points", d.NoveltyMinPoints, 0, 10_000_000),
            Gate = p.ReadDouble("gate", d.Gate, 0, 1000),
            SeasonSlack = p.ReadInt("season_slack", d.SeasonSlack, -1, 10_000),
            SeasonDepth = p.ReadInt("season_depth", d.SeasonDepth, 0, 10),
            SmoothScore = p.ReadDouble("smooth_score", d.SmoothScore, 0, 1000),
            SmoothSlope = p.ReadDouble("smooth_slope", d.SmoothSlope, 0, 1000),
            SmoothAlpha = p.ReadDouble("smooth_alpha", d.SmoothAlpha, 0, 1),
            SmoothTolerance = p.ReadDouble("smooth_tolerance", d.SmoothTolerance, 0, 100),
            SlowWindow = p.ReadInt("slow_window", d.SlowWindow, 0, 10_000),
            SlowThreshold = p.ReadDouble("slow_threshold", d.SlowThreshold, 0.01, 1000),
            BandK = p.ReadDouble("band_k", d.BandK, 0.1, 100),
        };
        p.RejectUnknown();
        if (options.MinPoints > options.LocalWindow)
        {
            p.Errors.Add($"min_points: must not exceed local_window ({options.LocalWindow})");
        }

        return (options, p.Errors);
    }
}
