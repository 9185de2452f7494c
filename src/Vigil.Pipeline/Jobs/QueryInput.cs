using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Pipeline.Jobs;

/// <summary>One query, one value per series and step.</summary>
public sealed class QueryInput(IMetricSource source, string query) : IJobInput
{
    public int FeatureCount => 1;

    public Task<SeriesBatch> FetchAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        => source.QueryRangeAsync(query, start, end, step, cancellationToken);
}
