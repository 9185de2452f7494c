using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Robust;

public sealed class RobustDetector : IDetector
{
    public RobustDetector(RobustOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Window < 4 || options.MinPoints < 3 || options.MinPoints > options.Window || !(options.K > 0))
        {
            throw new ArgumentException("Window ≥ 4, 3 ≤ MinPoints ≤ Window and K > 0 are required.", nameof(options));
        }

        Options = options;
    }

    public RobustOptions Options { get; }

    public string Type => RobustDetectorFactory.TypeName;

    public int FeatureCount => 1;

    public int HistoryPoints => Options.Window;

    public ISeriesDetector CreateSeries() => new ContractSeries(new RobustBaseline(Options), Options.K, Options.Contract);
}
