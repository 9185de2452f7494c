using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Episodes;

public enum EpisodeEventKind : byte
{
    /// <summary>The onset: the first anomalous point after a quiet period.</summary>
    Opened = 1,

    /// <summary>The episode ended (enough normal points followed its last anomalous one).</summary>
    Closed = 2,
}

/// <summary>
/// An episode opened or closed on one series. <see cref="Episode"/> carries start, end (the last anomalous point),
/// the peak's time, score, value, expected value and test, and the number of anomalous points; at an onset they
/// describe the onset point. This is what the event store persists and alerting notifies on.
/// </summary>
public sealed record AnomalyEpisode(EpisodeEventKind Kind, string Source, Labels Labels, string Detector, ModelRole Model, Episode Episode);
