using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Seasonal;

public sealed class SeasonalDetector : IDetector
{
    public SeasonalDetector(SeasonalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.K > 0) || !(options.Alpha > 0 && options.Alpha <= 1) || options.MinBucketPoints < 2)
        {
            throw new ArgumentException("K > 0, 0 < Alpha ≤ 1 and MinBucketPoints ≥ 2 are required.", nameof(options));
        }

        Options = options;
    }

    public SeasonalOptions Options { get; }

    public string Type => SeasonalDetectorFactory.TypeName;

    public int FeatureCount => 1;

    // History is counted in points, but a profile needs calendar time: the pipeline fetches this many steps;
    // at one-minute steps a day (or a week) of points covers every bucket.
    public int HistoryPoints => Options.Profile == SeasonalProfile.HourOfWeek ? 7 * 24 * 60 : 24 * 60;

    public ISeriesDetector CreateSeries() => new ContractSeries(new SeasonalBaseline(Options), Options.K, Options.Contract);
}
