using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.HoltWinters;

public sealed class HoltWintersDetectorFactory : IDetectorFactory
{
    public const string TypeName = "holt_winters";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (options, errors) = Parse(parameters);
        return errors.Count == 0 ? new HoltWintersDetector(options) : throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
    }

    private static (HoltWintersOptions Options, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        var p = new DetectorParameters(parameters);
        var fitPoints = p.ReadInt("fit_points", HoltWintersOptions.DefaultFitPoints, 16, 100_000);
        var season = p.ReadInt("season", 0, 0, 50_000);
        var k = p.ReadDouble("k", HoltWintersOptions.DefaultK, 0.1, 100);
        var acf = p.ReadDouble("min_autocorrelation", HoltWintersOptions.DefaultMinAutocorrelation, 0, 1);
        var rangeFloor = p.ReadDouble("range_floor", 0.05, 0, 1);
        var raw = p.ReadInt("raw_scale", 1, 0, 1) == 1;
        var scaleAlpha = p.ReadDouble("scale_alpha", 0.003, 1e-5, 1);
        var maxAlpha = p.ReadDouble("max_alpha", 0.02, 0.02, 1);
        var clipK = p.ReadDouble("clip_k", 16, 0.5, 1000);
        var contract = ContractOptions.Read(p, ContractOptions.WithoutShift);
        p.RejectUnknown();
        if (season > fitPoints / 2)
        {
            p.Errors.Add($"season: must be at most half of fit_points ({fitPoints / 2}) so the fit sees two seasons");
        }

        return (new HoltWintersOptions { FitPoints = fitPoints, Season = season, K = k, MinAutocorrelation = acf, RangeFloor = rangeFloor, RawScale = raw, ScaleAlpha = scaleAlpha, MaxAlpha = maxAlpha, ClipK = clipK, Contract = contract }, p.Errors);
    }
}
