using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Replay;

namespace Vigil.Pipeline.Tests.Fakes;

/// <summary>
/// Serves series defined as functions of time at whatever range is asked, records every request, and fails on demand.
/// </summary>
internal sealed class FakeInput : IJobInput
{
    private readonly Dictionary<Labels, Func<DateTimeOffset, double>> _series = [];
    private readonly Dictionary<Labels, DateTimeOffset> _firstPoint = [];
    private int _failAt = -1;

    public List<(DateTimeOffset Start, DateTimeOffset End, TimeSpan Step)> Requests { get; } = [];

    public Queue<Exception> Failures { get; } = new();

    public int FeatureCount => 1;

    public void Set(Labels labels, Func<DateTimeOffset, double> value) => _series[labels] = value;

    /// <summary>A series with no point before <paramref name="firstPoint"/>: a new metric, without history to warm from.</summary>
    public void Set(Labels labels, Func<DateTimeOffset, double> value, DateTimeOffset firstPoint)
    {
        _series[labels] = value;
        _firstPoint[labels] = firstPoint;
    }

    public void Remove(Labels labels) => _series.Remove(labels);

    /// <summary>The request with index <paramref name="request"/> (0-based over all requests so far) fails once.</summary>
    public void FailAfter(int request) => _failAt = request;

    public Task<SeriesBatch> FetchAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        Requests.Add((start, end, step));
        if (Requests.Count - 1 == _failAt)
        {
            return Task.FromException<SeriesBatch>(QueryError());
        }

        if (Failures.TryDequeue(out var failure))
        {
            return Task.FromException<SeriesBatch>(failure);
        }

        var builder = new SeriesBatch.Builder();
        foreach (var (labels, value) in _series)
        {
            // Like Prometheus, a series without a point in the range is not in the result at all.
            var begun = false;
            for (var t = start; t <= end; t += step)
            {
                if (_firstPoint.TryGetValue(labels, out var first) && t < first)
                {
                    continue;
                }

                if (!begun)
                {
                    builder.BeginSeries(labels);
                    begun = true;
                }

                builder.Add(t.ToUnixTimeMilliseconds(), value(t));
            }
        }

        return Task.FromResult(builder.Build());
    }

    public static MetricSourceException QueryError() => new("prometheus_query", "connection refused") { IsTransient = true };
}
