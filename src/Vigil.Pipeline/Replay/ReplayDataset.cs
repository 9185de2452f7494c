using Vigil.Core.Series;

namespace Vigil.Pipeline.Replay;

/// <summary>
/// The bundled demo data: a deterministic function of (seed, series, timestamp) with daily and weekly seasonality,
/// noise and a repeating schedule of injected incidents. Generated rather than shipped, so it has history at any
/// point in time (the pipeline warms up from it exactly as from Prometheus) and costs nothing to bundle.
/// </summary>
public sealed class ReplayDataset
{
    /// <summary>Monday 2026-01-05 00:00 UTC; the replay clock starts one day later so a day of clean history exists.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset ClockStart = Epoch.AddDays(1);

    /// <summary>Incidents repeat on this period after <see cref="ClockStart"/>; none happen before it.</summary>
    public static readonly TimeSpan IncidentPeriod = TimeSpan.FromHours(8);

    private static readonly string[] Services = ["checkout", "search", "login"];

    private readonly int _seed;
    private readonly List<ReplaySeries> _series = [];

    public ReplayDataset(int seed)
    {
        _seed = seed;
        for (var i = 0; i < Services.Length; i++)
        {
            var service = Services[i];
            var scale = 1.0 + i;
            _series.Add(new ReplaySeries(Labels.From(new("__name__", "replay_http_requests_per_second"), new("service", service)), Kind.Requests, 120 * scale, i));
            _series.Add(new ReplaySeries(Labels.From(new("__name__", "replay_latency_p99_seconds"), new("service", service)), Kind.Latency, 0.18 * scale, i));
            _series.Add(new ReplaySeries(Labels.From(new("__name__", "replay_queue_depth"), new("service", service)), Kind.Queue, 12 * scale, i));
        }
    }

    /// <summary>
    /// The injected incidents within one period, as offsets from its start: what a user should see flagged.
    /// Each names the metric, service, start offset, duration and the multiplicative effect.
    /// </summary>
    public static IReadOnlyList<ReplayIncident> Incidents { get; } =
    [
        new("replay_http_requests_per_second", "checkout", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), 2.5),
        new("replay_latency_p99_seconds", "search", TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(15), 4.0),
        new("replay_http_requests_per_second", "login", TimeSpan.FromHours(2), TimeSpan.FromMinutes(30), 0.4),
        new("replay_queue_depth", "checkout", TimeSpan.FromHours(4), TimeSpan.FromMinutes(20), 6.0),
    ];

    public IReadOnlyList<Labels> SeriesLabels => [.. _series.Select(s => s.Labels)];

    public IEnumerable<int> Match(ReplaySelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        for (var i = 0; i < _series.Count; i++)
        {
            if (selector.Matches(_series[i].Labels))
            {
                yield return i;
            }
        }
    }

    public Labels GetLabels(int series) => _series[series].Labels;

    public double Value(int series, DateTimeOffset time)
    {
        var s = _series[series];
        var hours = (time - Epoch).TotalHours;
        var daily = Math.Sin(2 * Math.PI * (hours - 9) / 24); // peak mid-afternoon, trough at night
        var weekday = time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.75 : 1.0;
        var noise = Gaussian(_seed, s.Index, time.ToUnixTimeMilliseconds());
        var value = s.Kind switch
        {
            Kind.Requests => s.Base * weekday * (1 + (0.45 * daily)) * (1 + (0.03 * noise)),
            Kind.Latency => s.Base * (1 + (0.08 * daily)) * (1 + (0.04 * noise)),
            _ => Math.Max(0, s.Base * (1 + (0.3 * daily)) * (1 + (0.05 * noise))),
        };
        return value * IncidentFactor(s, time);
    }

    private static double IncidentFactor(ReplaySeries series, DateTimeOffset time)
    {
        if (time < ClockStart)
        {
            return 1;
        }

        var offset = TimeSpan.FromTicks((time - ClockStart).Ticks % IncidentPeriod.Ticks);
        var metric = series.Labels.Get("__name__");
        var service = series.Labels.Get("service");
        foreach (var incident in Incidents)
        {
            if (incident.Metric == metric && incident.Service == service && offset >= incident.Start && offset < incident.Start + incident.Duration)
            {
                return incident.Factor;
            }
        }

        return 1;
    }

    /// <summary>Standard normal from a hash of the coordinates (Box–Muller over SplitMix64): same inputs, same value.</summary>
    private static double Gaussian(int seed, int series, long timestampMs)
    {
        var a = SplitMix((ulong)timestampMs ^ ((ulong)(uint)seed << 32) ^ ((ulong)series * 0x9E3779B97F4A7C15UL));
        var b = SplitMix(a);
        var u1 = ((a >> 11) + 1.0) / ((1UL << 53) + 1.0);
        var u2 = (b >> 11) / (double)(1UL << 53);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private enum Kind
    {
        Requests,
        Latency,
        Queue,
    }

    private sealed record ReplaySeries(Labels Labels, Kind Kind, double Base, int Index);
}

public sealed record ReplayIncident(string Metric, string Service, TimeSpan Start, TimeSpan Duration, double Factor);
