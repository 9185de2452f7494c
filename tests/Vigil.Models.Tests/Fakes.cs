using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Models.Tests;

/// <summary>
/// Three correlated metrics (cpu, latency, queue) for instances a, b, c on a 1-minute grid. Inside
/// <see cref="IncidentFrom"/>..<see cref="IncidentTo"/> instance c drifts against the usual correlation by about two
/// marginal sigmas per metric: a joint anomaly rather than a single-metric one.
/// Records every request so tests can check chunking.
/// </summary>
internal sealed class FakeMetricSource : IMetricSource
{
    public static readonly string[] Instances = ["a", "b", "c"];

    public List<(string Query, DateTimeOffset Start, DateTimeOffset End, int Points)> Requests { get; } = [];

    public DateTimeOffset IncidentFrom { get; init; } = DateTimeOffset.MaxValue;

    public DateTimeOffset IncidentTo { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>Instances for which the named query returns nothing.</summary>
    public Dictionary<string, string> Missing { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, every request fails with it (a Prometheus outage).</summary>
    public MetricSourceException? Failure { get; set; }

    public Task<SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            return Task.FromException<SeriesBatch>(Failure);
        }

        var builder = new SeriesBatch.Builder();
        var points = 0;
        foreach (var instance in Instances)
        {
            if (Missing.TryGetValue(query, out var missing) && missing == instance)
            {
                continue;
            }

            builder.BeginSeries(Labels.From(new Label("instance", instance), new Label("__name__", query)));
            points = 0;
            for (var t = start; t <= end; t += step)
            {
                builder.Add(t.ToUnixTimeMilliseconds(), Value(query, instance, t));
                points++;
            }
        }

        Requests.Add((query, start, end, points));
        return Task.FromResult(builder.Build());
    }

    private double Value(string query, string instance, DateTimeOffset t)
    {
        // Deterministic per (instance, minute) so every query sees the same load: a shared Gaussian load factor
        // drives all three metrics, plus independent noise per metric.
        var minute = t.ToUnixTimeSeconds() / 60;
        var random = new Random(Mix(((ulong)minute * 1_000_003UL) + instance[0]));
        var load = TestModels.Gaussian(random);
        var (cpuNoise, latencyNoise, queueNoise) = (TestModels.Gaussian(random), TestModels.Gaussian(random), TestModels.Gaussian(random));

        // The incident moves each metric by about 2 marginal sigmas against the usual correlation: cpu down while
        // latency is up and the queue is down. Each value alone stays in its everyday range.
        var incident = instance == "c" && t >= IncidentFrom && t <= IncidentTo;
        return query switch
        {
            "cpu" => 50 + (10 * load) + (2 * cpuNoise) - (incident ? 20 : 0),
            "latency" => 100 + (20 * load) + (4 * latencyNoise) + (incident ? 40 : 0),
            "queue" => 5 + load + (0.2 * queueNoise) - (incident ? 2 : 0),
            _ => throw new ArgumentException($"unknown query {query}", nameof(query)),
        };
    }

    // SplitMix64 finaliser: System.Random's legacy seeding gives correlated first draws for nearby seeds.
    private static int Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
