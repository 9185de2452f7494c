using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>Stateless per entity: the forest was fitted offline, so a point is only scored, never learned.</summary>
internal sealed class IsolationForestSeries(ModelHandle model) : ISeriesDetector
{
    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features) => model.Current.Score(features);
}
