using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.HoltWinters;

public sealed class HoltWintersDetector : IDetector
{
    public HoltWintersDetector(HoltWintersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FitPoints < 16 || options.Season < 0 || options.Season > options.FitPoints / 2 || !(options.K > 0))
        {
            throw new ArgumentException("FitPoints ≥ 16, 0 ≤ Season ≤ FitPoints/2 and K > 0 are required.", nameof(options));
        }

        Options = options;
    }

    public HoltWintersOptions Options { get; }

    public string Type => HoltWintersDetectorFactory.TypeName;

    public int FeatureCount => 1;

    public int HistoryPoints => Options.FitPoints;

    public ISeriesDetector CreateSeries() => new ContractSeries(new HoltWintersBaseline(Options), Options.K, Options.Contract);
}
