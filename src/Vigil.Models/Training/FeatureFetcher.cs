using Vigil.Core.Features;
using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Models.Training;

/// <summary>
/// Runs a multivariate job's queries over a window (chunked to respect Prometheus's points-per-series limit) and
/// joins them into feature rows. The trainer uses it for history; the scoring pipeline can use it for each cycle's
/// new steps, so training and serving build features the same way.
/// </summary>
public sealed class FeatureFetcher
{
    private readonly IMetricSource _source;
    private readonly int _maxPointsPerSeries;

    public FeatureFetcher(IMetricSource source, int maxPointsPerSeries = TrainerOptions.PrometheusMaxPointsPerSeries)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPointsPerSeries, 1);
        _source = source;
        _maxPointsPerSeries = maxPointsPerSeries;
    }

    /// <summary>Rows for [<paramref name="start"/>, <paramref name="end"/>]; <paramref name="onRequest"/> is called after each range request with (completed, total, feature name), for progress bars.</summary>
    public async Task<JoinedFeatures> FetchAsync(
        IReadOnlyList<FeatureQuery> features,
        IReadOnlyList<string> joinLabels,
        DateTimeOffset start,
        DateTimeOffset end,
        TimeSpan step,
        Action<int, int, string>? onRequest,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(joinLabels);
        var chunks = RangeChunker.Split(start, end, step, _maxPointsPerSeries);
        var total = chunks.Count * features.Count;
        var done = 0;
        var batches = new List<SeriesBatch>(features.Count);
        foreach (var feature in features)
        {
            batches.Add(await HistoryFetcher.FetchAsync(_source, feature.Query, chunks, step,
                () => onRequest?.Invoke(++done, total, feature.Name), cancellationToken).ConfigureAwait(false));
        }

        return new FeatureJoiner(joinLabels).Join(batches);
    }
}
