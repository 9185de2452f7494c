namespace Vigil.Core.Detection;

/// <summary>
/// A configured detector: one per job. It knows how much history its series need and creates their state.
/// Univariate streaming detectors and multivariate model-based ones (Isolation Forest) share this seam,
/// so the pipeline never needs to know which kind it drives.
/// </summary>
public interface IDetector
{
    /// <summary>The detector type as configured, e.g. <c>rolling_sigma</c>.</summary>
    string Type { get; }

    /// <summary>Values per observation: 1 for univariate detectors.</summary>
    int FeatureCount { get; }

    /// <summary>
    /// Points of history that fully warm a new series. The pipeline fetches this many steps of history
    /// for every new series before scoring live points, so there is no blind warm-up after a restart.
    /// </summary>
    int HistoryPoints { get; }

    ISeriesDetector CreateSeries();
}
