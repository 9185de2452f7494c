using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Pipeline.Tests.Fakes;

/// <summary>Per query, series defined as functions of time, sampled at whatever range is asked.</summary>
internal sealed class FakeMetricSource : IMetricSource
{
    private readonly Dictionary<string, Dictionary<string, Func<DateTimeOffset, double>>> _queries = [];

    public void Set(string query, string instance, Func<DateTimeOffset, double> value)
    {
        if (!_queries.TryGetValue(query, out var series))
        {
            _queries[query] = series = [];
        }

        series[instance] = value;
    }

    public Task<SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        var builder = new SeriesBatch.Builder();
        foreach (var (instance, value) in _queries.GetValueOrDefault(query) ?? [])
        {
            builder.BeginSeries(Labels.From(new Label("instance", instance), new Label("job", "node")));
            for (var t = start; t <= end; t += step)
            {
                builder.Add(t.ToUnixTimeMilliseconds(), value(t));
            }
        }

        return Task.FromResult(builder.Build());
    }
}
