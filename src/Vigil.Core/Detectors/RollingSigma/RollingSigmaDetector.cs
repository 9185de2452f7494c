using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.RollingSigma;

public sealed class RollingSigmaDetector : IDetector
{
    private readonly RollingSigmaOptions _options;

    public RollingSigmaDetector(RollingSigmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Window < 2 || options.MinPoints < 2 || options.MinPoints > options.Window || !(options.K > 0))
        {
            throw new ArgumentException("Window ≥ 2, 2 ≤ MinPoints ≤ Window and K > 0 are required.", nameof(options));
        }

        _options = options;
    }

    public string Type => RollingSigmaDetectorFactory.TypeName;

    public int FeatureCount => 1;

    public int HistoryPoints => _options.Window;

    public RollingSigmaOptions Options => _options;

    public ISeriesDetector CreateSeries() => new ContractSeries(new RollingSigmaBaseline(_options), _options.K, _options.Contract);
}
