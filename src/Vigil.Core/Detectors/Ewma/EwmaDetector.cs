using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Ewma;

public sealed class EwmaDetector : IDetector
{
    public EwmaDetector(EwmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Alpha > 0 && options.Alpha < 1) || !(options.K > 0) || options.MinPoints < 2)
        {
            throw new ArgumentException("0 < Alpha < 1, K > 0 and MinPoints ≥ 2 are required.", nameof(options));
        }

        Options = options;
    }

    public EwmaOptions Options { get; }

    public string Type => EwmaDetectorFactory.TypeName;

    public int FeatureCount => 1;

    // About five half-lives make the estimate independent of its start.
    public int HistoryPoints => Math.Max(Options.MinPoints, (int)Math.Ceiling(3.5 / Options.Alpha));

    public ISeriesDetector CreateSeries() => new ContractSeries(new EwmaBaseline(Options), Options.K, Options.Contract);
}
