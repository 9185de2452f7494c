using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Auto;

public sealed class AutoDetector : IDetector
{
    public AutoDetector(AutoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LocalWindow < 8 || options.FitPoints < 16 || options.MinPoints < 2 || options.MinPoints > options.LocalWindow || options.ShortWindow < 1)
        {
            throw new ArgumentException("LocalWindow ≥ 8, FitPoints ≥ 16, 2 ≤ MinPoints ≤ LocalWindow and ShortWindow ≥ 1 are required.", nameof(options));
        }

        Options = options;
    }

    public AutoOptions Options { get; }

    public string Type => AutoDetectorFactory.TypeName;

    public int FeatureCount => 1;

    public int HistoryPoints => Math.Max(Options.FitPoints, Options.NoveltyMinPoints);

    public ISeriesDetector CreateSeries() => new AutoSeries(Options);
}
