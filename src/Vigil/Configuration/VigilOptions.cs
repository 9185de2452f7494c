using Vigil.Alerting;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using Vigil.Postgres;
using Vigil.Prometheus;

namespace Vigil.Configuration;

/// <summary>The whole configuration, after YAML, environment overrides and defaults, validated.</summary>
public sealed record VigilOptions
{
    public ServerOptions Server { get; init; } = new();

    public LoggingOptions Logging { get; init; } = new();

    /// <summary>Null when no Prometheus is configured (the embedded replay default runs instead).</summary>
    public PrometheusClientOptions? Prometheus { get; init; }

    public ReplayOptions Replay { get; init; } = new();

    public required IReadOnlyList<JobOptions> Jobs { get; init; }

    /// <summary>Business metrics on PostgreSQL (events in, per-minute aggregation, detection); null when not configured.</summary>
    public BusinessOptions? Business { get; init; }

    /// <summary>Proactive inspection (<c>inspection:</c>, docs/inspection.md); null when off. The embedded demo inspects its replay data.</summary>
    public Vigil.Inspection.InspectionOptions? Inspection { get; init; }

    /// <summary>Directory of trained model files (<c>MODEL_PATH</c>); used by model-backed detectors.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Alert delivery (<c>alerting</c>, <c>redis</c>); null when not configured. <see cref="AlertingOptions.NotifyJobs"/> holds the jobs with <c>notify: true</c>.</summary>
    public AlertingOptions? Alerting { get; init; }

    /// <summary>Every section's options by type, for features that read their own (<c>Sections.Get&lt;InspectionOptions&gt;()</c>).</summary>
    public ConfigSections Sections { get; init; } = new();

    /// <summary>Where the configuration came from: a file path (with the environment overrides used), the environment variables, or the embedded demo and why.</summary>
    public string Origin { get; init; } = "embedded demo";

    /// <summary>True when nothing was configured to monitor and the replay demo runs instead.</summary>
    public bool IsEmbeddedDemo { get; init; }

    /// <summary>
    /// What will run, one line each, for `config check` and the start-up log: the jobs by source (or the demo), and the
    /// business-metrics pipeline with its database (host and database only: the connection string may hold a password).
    /// </summary>
    public IReadOnlyList<string> DescribeWhatRuns()
    {
        var lines = new List<string>();
        if (IsEmbeddedDemo)
        {
            // One line: the demo's alerting (to the log) and inspection are part of the demo, not pipelines the user configured.
            var alerts = Alerting is { } demoAlerting ? "; " + demoAlerting.Describe() : string.Empty;
            var inspecting = Inspection is null ? string.Empty : $"; inspection of the replay data every {Duration.Format(Inspection.Interval)} of its clock (GET /api/v1/inspections/latest)";
            lines.Add($"the embedded demo: {Jobs.Count} replay job(s) on synthetic data (configure jobs, PROMQL_QUERY or VIGIL_DATABASE to monitor your own metrics){alerts}{inspecting}");
        }
        else
        {
            var bySource = Jobs.GroupBy(j => j.Source).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
            lines.Add(Jobs.Count == 0
                ? "0 detection job(s)"
                : $"{Jobs.Count} detection job(s) ({string.Join(", ", bySource)}){(Prometheus is null ? string.Empty : $" against Prometheus at {Prometheus.BaseUrl}")}");
        }

        if (Business is not null)
        {
            lines.Add(Business.Describe());
        }

        if (Alerting is not null && !IsEmbeddedDemo)
        {
            lines.Add(Alerting.Describe());
        }

        if (Inspection is { } inspection && !IsEmbeddedDemo)
        {
            lines.Add($"inspection every {Duration.Format(inspection.Interval)} over {inspection.Monitored.Count} metric(s) from {inspection.Source.ToString().ToLowerInvariant()}{(inspection.ShadowMode ? " in shadow mode (recorded, not delivered)" : string.Empty)}: GET /api/v1/inspections/latest");
        }

        return lines;
    }
}

public sealed record ServerOptions
{
    /// <summary>Where the no-config embedded demo listens unless <c>server.listen_address</c> says otherwise.</summary>
    public const string DemoListenAddress = "127.0.0.1";

    /// <summary>
    /// Address to listen on. Default all interfaces, as a container needs; use 127.0.0.1 on a workstation. The
    /// embedded demo (no jobs configured) defaults to <see cref="DemoListenAddress"/>.
    /// </summary>
    public string ListenAddress { get; init; } = "0.0.0.0";

    /// <summary>True when the configuration set <c>listen_address</c> explicitly.</summary>
    public bool ListenAddressSet { get; init; }

    /// <summary>Tokens for the HTTP API (docs/security.md).</summary>
    public Hosting.ApiAuthOptions Auth { get; init; } = new();

    /// <summary>Limits of the durations below, checked as the section is read.</summary>
    public static readonly TimeSpan MinSeriesStaleness = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxSeriesStaleness = TimeSpan.FromDays(30);

    public static readonly TimeSpan MaxShutdownGrace = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan MinSnapshotInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxSnapshotInterval = TimeSpan.FromDays(1);

    /// <summary>Port for /metrics, /healthz and /readyz. Default 8000 (<c>LISTEN_PORT</c>).</summary>
    public int Port { get; init; } = 8000;

    /// <summary>A series not returned for this long is dropped from state and from /metrics. Default 10 minutes.</summary>
    public TimeSpan SeriesStaleness { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>On SIGTERM a running cycle gets this long to finish before it is cancelled. Default 10 s.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Directory where each job's detector state is snapshotted (periodically and on shutdown) and restored from on
    /// start, so a restart does not lose what was learned (<c>VIGIL_STATE_DIR</c>). Null: no snapshots.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>How often detector state is snapshotted while running. Default 5 minutes.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Port of the HTTP/2-only listener serving the visualization gRPC service (docs/charts.md). Null (default): no
    /// gRPC listener; the design document's clients use 50051.
    /// </summary>
    public int? GrpcPort { get; init; }

    /// <summary>Address of the gRPC listener. Default: <see cref="ListenAddress"/>.</summary>
    public string? GrpcListenAddress { get; init; }

    /// <summary>Zone of the charts' time axis (<c>server.time_zone</c>, an IANA id such as Europe/Berlin). Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>
    /// <c>server.ui_auth</c>: the web UI at <c>/</c> asks for the API's read (or write) token, as the password of HTTP
    /// Basic authentication (docs/ui.md). Default false: pages are open to whoever reaches the port; write forms
    /// still need the write token.
    /// </summary>
    public bool UiAuth { get; init; }
}

public sealed record LoggingOptions
{
    /// <summary><c>text</c> (default) or <c>json</c> (one JSON object per line, with job and cycle scopes).</summary>
    public string Format { get; init; } = "text";

    public string Level { get; init; } = "Information";
}
