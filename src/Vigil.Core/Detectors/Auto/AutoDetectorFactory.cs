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
            MinPoints = p.ReadInt("min_points", d.MinPoints, 2, 100_000),
            LevelAlpha = p.ReadDouble("level_alpha", d.LevelAlpha, 1e-4, 1),
            TrendBeta = p.ReadDouble("trend_beta", d.TrendBeta, 0, 1),
            TrendDamping = p.ReadDouble("trend_damping", d.TrendDamping, 0, 1),
            ScaleAlpha = p.ReadDouble("scale_alpha", d.ScaleAlpha, 1e-5, 1),
            K = p.ReadDouble("k", d.K, 0.1, 100),
            RangeFloor = p.ReadDouble("range_floor", d.RangeFloor, 0, 1),
            Novelty = p.ReadFlag("novelty", d.Novelty),
            NoveltyTolerance = p.ReadDouble("novelty_tolerance", d.NoveltyTolerance, 0, 100),
            NoveltyMinPoints = p.ReadInt("novelty_min_points", d.NoveltyMinPoints, 0, 10_000_000),
            NoveltyMinSigma = p.ReadDouble("novelty_min_sigma", d.NoveltyMinSigma, 0, 100),
            FitPoints = p.ReadInt("fit_points", d.FitPoints, 16, 2000),
            SeasonSlack = p.ReadInt("season_slack", d.SeasonSlack, -1, 100),
            SeasonK = p.ReadDouble("season_k", d.SeasonK, 0, 100),
            DailyContext = p.ReadDouble("daily_context", d.DailyContext, 0, 100),
            Transform = p.ReadChoice("transform", d.Transform, [AutoOptions.TransformAuto, AutoOptions.TransformNone, AutoOptions.TransformCounts, AutoOptions.TransformLog]),
            LogKnee = p.ReadDouble("log_knee", d.LogKnee, 1e-6, 1000),
            HeavyTail = p.ReadFlag("heavy_tail", d.HeavyTail),
            ScaleClip = p.ReadDouble("scale_clip", d.ScaleClip, 0, 100),
            TailStep = p.ReadDouble("tail_step", d.TailStep, 0, 1),
            SpikeStep = p.ReadDouble("spike_step", d.SpikeStep, 0, 1),
            FarTail = p.ReadFlag("far_tail", d.FarTail),
            IsolatedFarTail = p.ReadFlag("isolated_far_tail", d.IsolatedFarTail),
            SideTail = p.ReadFlag("side_tail", d.SideTail),
            DampIncidentTrend = p.ReadFlag("damp_incident_trend", d.DampIncidentTrend),
            IsolatedNovelty = p.ReadDouble("isolated_novelty", d.IsolatedNovelty, 0, 100),
            IntegerEdges = p.ReadFlag("integer_edges", d.IntegerEdges),
            CoreShiftSigma = p.ReadFlag("core_shift_sigma", d.CoreShiftSigma),
            NoveltySideRange = p.ReadFlag("novelty_side_range", d.NoveltySideRange),
            PositiveLow = p.ReadFlag("positive_low", d.PositiveLow),
            RobustLevel = p.ReadDouble("robust_level", d.RobustLevel, 0, 100),
            PositiveLowShift = p.ReadFlag("positive_low_shift", d.PositiveLowShift),
            PositiveLowTail = p.ReadFlag("positive_low_tail", d.PositiveLowTail),
            PositiveLowDips = p.ReadFlag("positive_low_dips", d.PositiveLowDips),
            PositiveLowReturn = p.ReadFlag("positive_low_return", d.PositiveLowReturn),
            PositiveSlowShift = p.ReadFlag("positive_slow_shift", d.PositiveSlowShift),
            IncidentTrendCap = p.ReadDouble("incident_trend_cap", d.IncidentTrendCap, 0, 1000),
            IncidentShape = p.ReadFlag("incident_shape", d.IncidentShape),
            ProfileScaleFallback = p.ReadFlag("profile_scale_fallback", d.ProfileScaleFallback),
            ProfileFallbackFloor = p.ReadFlag("profile_fallback_floor", d.ProfileFallbackFloor),
            ProfileTails = p.ReadInt("profile_tails", d.ProfileTails, 0, 2),
            ProfileTailsSeasoned = p.ReadFlag("profile_tails_seasoned", d.ProfileTailsSeasoned),
            ContextRunForgiven = p.ReadFlag("context_run_forgiven", d.ContextRunForgiven),
            ProfileThinShrink = p.ReadInt("profile_thin_shrink", d.ProfileThinShrink, 0, 3),
            ReturnCurve = p.ReadFlag("return_curve", d.ReturnCurve),
            RebaselineFromProfile = p.ReadFlag("rebaseline_from_profile", d.RebaselineFromProfile),
            RebaselineWithinRun = p.ReadInt("rebaseline_within_run", d.RebaselineWithinRun, 0, 2),
            CountFloor = p.ReadFlag("count_floor", d.CountFloor),
            RebaselineScalePoints = p.ReadInt("rebaseline_scale_points", d.RebaselineScalePoints, 0, 100_000),
            VarianceCoreSigma = p.ReadFlag("variance_core_sigma", d.VarianceCoreSigma),
            CountsSigma = p.ReadDouble("counts_sigma", d.CountsSigma, 0, 100),
            SeasonalProfile = p.ReadFlag("seasonal_profile", d.SeasonalProfile),
            SeasonalRatio = p.ReadDouble("seasonal_ratio", d.SeasonalRatio, 0, 100),
            SeasonalGain = p.ReadDouble("seasonal_gain", d.SeasonalGain, 0, 100),
            SeasonalLevelAlpha = p.ReadDouble("seasonal_level_alpha", d.SeasonalLevelAlpha, 0, 1),
            Contract = ContractOptions.Read(p, AutoOptions.DefaultContract),
        };
        p.RejectUnknown();
        return (options, p.Errors);
    }
}
