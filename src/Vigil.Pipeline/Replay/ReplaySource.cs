using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Pipeline.Telemetry;
using Vigil.Prometheus;

namespace Vigil.Pipeline.Replay;

/// <summary>Serves the <see cref="ReplayDataset"/> through the same seam as Prometheus, sampled at the query's step.</summary>
public sealed class ReplaySource(ReplayDataset dataset) : IMetricSource
{
    /// <summary>Guards against a mistyped step turning one query into millions of generated points; the same limit as Prometheus.</summary>
    public const int MaxPointsPerSeries = PrometheusLimits.MaxPointsPerSeries;

    public Task<SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (step <= TimeSpan.Zero || end < start)
        {
            throw new ArgumentException($"Invalid range: start {start:O}, end {end:O}, step {step}.");
        }

        var points = ((end - start).Ticks / step.Ticks) + 1;
        if (points > MaxPointsPerSeries)
        {
            throw new MetricSourceException(ErrorTypes.ReplayQuery, $"Range of {points} points per series exceeds the maximum of {MaxPointsPerSeries}.");
        }

        var selector = ReplaySelector.Parse(query);
        var builder = new SeriesBatch.Builder();
        foreach (var series in dataset.Match(selector))
        {
            builder.BeginSeries(dataset.GetLabels(series));
            for (var t = start; t <= end; t += step)
            {
                builder.Add(t.ToUnixTimeMilliseconds(), dataset.Value(series, t));
            }
        }

        return Task.FromResult(builder.Build());
    }
}
