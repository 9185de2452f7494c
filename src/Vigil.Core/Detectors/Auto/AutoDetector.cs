using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Auto;

public sealed class AutoDetector : IDetector
{
    public AutoDetector(AutoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MinPoints < 2 || !(options.LevelAlpha > 0 && options.LevelAlpha <= 1) || !(options.K > 0) || !(options.ScaleAlpha > 0 && options.ScaleAlpha <= 1))
        {
            throw new ArgumentException("MinPoints ≥ 2, 0 < LevelAlpha ≤ 1, 0 < ScaleAlpha ≤ 1 and K > 0 are required.", nameof(options));
        }

        Options = options;
    }

    public AutoOptions Options { get; }

    public string Type => AutoDetectorFactory.TypeName;

    public int FeatureCount => 1;

    // With the daily profile on, a day and six hours (at one-minute steps, as the seasonal detector assumes) before the
    // profile may take over.
    public int HistoryPoints => Math.Max(
        Math.Max(Math.Max(Options.MinPoints, Options.Novelty ? Options.NoveltyMinPoints : 0), Options.SeasonSlack >= 0 ? Options.FitPoints : 0),
        Options.SeasonalProfile ? 30 * 60 : 0);

    public ISeriesDetector CreateSeries() => new ContractSeries(new AutoBaseline(Options), Options.K, Options.Contract);
}
