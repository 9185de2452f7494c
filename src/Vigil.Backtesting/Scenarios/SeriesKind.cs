namespace Vigil.Backtesting.Scenarios;

/// <summary>The shapes of Prometheus-like series the scenario suite generates (see <see cref="ScenarioGenerator"/>).</summary>
public enum SeriesKind
{
    /// <summary>Requests per second: daily peak in the afternoon, weekends at 60 %, Poisson plus 3 % noise.</summary>
    RequestRate,

    /// <summary>Latency in seconds: log-normal noise and a heavy tail (1 % of points 2–5× the level), mild daily load effect.</summary>
    Latency,

    /// <summary>Small Poisson counts (λ 1–5 per minute), e.g. restarts or retries.</summary>
    PoissonCount,

    /// <summary>Utilisation bounded to [0, 1] with a daily bump and a linear drift over the week.</summary>
    Utilisation,

    /// <summary>Errors / requests per minute, around 0.2–1 %: many points are exactly 0 or a small fraction.</summary>
    ErrorRatio,

    /// <summary>A gauge that never moves (replicas, a configured limit): any change is an event.</summary>
    FlatGauge,

    /// <summary>Business events per minute (orders, sign-ups): near zero at night, a midday peak, weekends at 50 %.</summary>
    BusinessEvents,
}

/// <summary>The labelled incidents the suite injects.</summary>
public enum IncidentKind
{
    /// <summary>1–3 points far above the level.</summary>
    Spike,

    /// <summary>The level multiplied by 1.5–4 for 30–120 minutes.</summary>
    Step,

    /// <summary>The level falls to 0–90 % of normal for 1–4 hours.</summary>
    Drop,

    /// <summary>A linear rise to 2–3× over 1–3 hours, then an abrupt return.</summary>
    Ramp,

    /// <summary>Noise 4–8× wider for 30–90 minutes, level unchanged.</summary>
    VarianceBurst,

    /// <summary>A day's peak does not happen (10:00–18:00 stays near the off-peak level); seasonal kinds only.</summary>
    MissingPeak,

    /// <summary>A permanent change of level (×1.5–2.5 or ×0.4–0.7) that must become the new normal after <c>adapt_after</c>.</summary>
    LevelShift,
}

/// <summary>Snake-case names used in tables, CSV labels and the docs.</summary>
public static class ScenarioNames
{
    public static string Of(SeriesKind kind) => kind switch
    {
        SeriesKind.RequestRate => "request_rate",
        SeriesKind.Latency => "latency",
        SeriesKind.PoissonCount => "poisson_count",
        SeriesKind.Utilisation => "utilisation",
        SeriesKind.ErrorRatio => "error_ratio",
        SeriesKind.FlatGauge => "flat_gauge",
        SeriesKind.BusinessEvents => "business_events",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Of(IncidentKind kind) => kind switch
    {
        IncidentKind.Spike => "spike",
        IncidentKind.Step => "step",
        IncidentKind.Drop => "drop",
        IncidentKind.Ramp => "ramp",
        IncidentKind.VarianceBurst => "variance_burst",
        IncidentKind.MissingPeak => "missing_peak",
        IncidentKind.LevelShift => "level_shift",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
