using Vigil.Core.Series;

namespace Vigil.Core.Sources;

/// <summary>
/// Where a job's samples come from: Prometheus, or the built-in replay. The seam the pipeline is tested through.
/// </summary>
public interface IMetricSource
{
    /// <summary>Samples of every series the query returns in [start, end] at the given step, timestamps ascending.</summary>
    /// <exception cref="MetricSourceException">The source failed; <see cref="MetricSourceException.ErrorType"/> says how.</exception>
    Task<SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken);
}
