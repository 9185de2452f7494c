using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Exposition;
using Vigil.Models.Training;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// Several queries joined into one feature vector per entity (the join labels) and step, with the same
/// <see cref="FeatureFetcher"/> the trainer uses, so serving builds features exactly as training did. Rows with a
/// missing or non-finite component are not scored: they are counted in <c>vigil_feature_rows_skipped_total</c> by
/// reason, never filled in.
/// </summary>
public sealed class JoinedQueryInput : IJobInput
{
    private readonly FeatureFetcher _fetcher;
    private readonly IReadOnlyList<FeatureQuery> _features;
    private readonly IReadOnlyList<string> _joinLabels;
    private readonly CounterFamily _skipped;
    private readonly string _job;

    public JoinedQueryInput(IMetricSource source, IReadOnlyList<FeatureQuery> features, IReadOnlyList<string> joinLabels, CounterFamily skipped, string job)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(joinLabels);
        ArgumentNullException.ThrowIfNull(skipped);
        ArgumentOutOfRangeException.ThrowIfZero(features.Count);
        _fetcher = new FeatureFetcher(source);
        _features = features;
        _joinLabels = joinLabels;
        _skipped = skipped;
        _job = job;
    }

    public int FeatureCount => _features.Count;

    public async Task<SeriesBatch> FetchAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        var joined = await _fetcher.FetchAsync(_features, _joinLabels, start, end, step, null, cancellationToken).ConfigureAwait(false);
        foreach (var (reason, count) in joined.Skipped)
        {
            if (count > 0)
            {
                _skipped.WithLabels(_job, reason).Inc(count);
            }
        }

        // Rows come ordered by timestamp then entity; the batch wants them grouped by entity, time-ordered within.
        var byEntity = new List<int>[joined.Entities.Count];
        for (var row = 0; row < joined.Rows.Rows; row++)
        {
            (byEntity[joined.EntityIndex[row]] ??= []).Add(row);
        }

        var builder = new SeriesBatch.Builder(Math.Max(1, joined.Rows.Rows), FeatureCount);
        for (var entity = 0; entity < byEntity.Length; entity++)
        {
            if (byEntity[entity] is not { } rows)
            {
                continue;
            }

            builder.BeginSeries(joined.Entities[entity]);
            foreach (var row in rows)
            {
                builder.Add(joined.TimestampsMs[row], joined.Rows.Row(row));
            }
        }

        return builder.Build();
    }
}
