using Vigil.Core.Series;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// What a job scores: observations per entity and step. One PromQL query gives one value per series; a
/// multivariate job joins several queries into feature vectors. The loop only sees this seam.
/// </summary>
public interface IJobInput
{
    int FeatureCount { get; }

    /// <summary>Observations in [start, end] at <paramref name="step"/>, timestamps ascending per entity.</summary>
    Task<SeriesBatch> FetchAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken);
}
