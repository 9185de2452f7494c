using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Lifecycle;
using Vigil.Models.Training;

namespace Vigil.Configuration;

/// <summary>The whole configuration, after YAML, environment overrides and defaults, validated.</summary>
public sealed record VigilOptions
{
    public ServerOptions Server { get; init; } = new();

    public LoggingOptions Logging { get; init; } = new();

    /// <summary>Null when no Prometheus is configured (the embedded replay default runs instead).</summary>
    public PrometheusSourceOptions? Prometheus { get; init; }

    public ReplayOptions Replay { get; init; } = new();

    public required IReadOnlyList<JobOptions> Jobs { get; init; }

    /// <summary>Business metrics on PostgreSQL (events in, per-minute aggregation, detection); null when not configured.</summary>
    public BusinessOptions? Business { get; init; }

    /// <summary>Directory of trained model files (<c>MODEL_PATH</c>); used by model-backed detectors.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Where the configuration came from, for logs: a file path, "environment" or "embedded default".</summary>
    public string Origin { get; init; } = "embedded default";
}

public sealed record ServerOptions
{
    /// <summary>Address to listen on. Default all interfaces, as a container needs; use 127.0.0.1 on a workstation.</summary>
    public string ListenAddress { get; init; } = "0.0.0.0";

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
}

public sealed record LoggingOptions
{
    /// <summary><c>text</c> (default) or <c>json</c> (one JSON object per line, with job and cycle scopes).</summary>
    public string Format { get; init; } = "text";

    public string Level { get; init; } = "Information";
}

public sealed record PrometheusSourceOptions
{
    public required Uri Url { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public string? BearerToken { get; init; }

    public string? BearerTokenFile { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? CaFile { get; init; }

    public bool InsecureSkipVerify { get; init; }
}

public sealed record ReplayOptions
{
    /// <summary>Virtual seconds per real second. Default 60: one minute of data per second.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>Seed of the generated data set; the same seed always gives the same data.</summary>
    public int Seed { get; init; } = 42;
}

public enum JobSource
{
    Prometheus,
    Replay,
}

public sealed record JobOptions
{
    public required string Name { get; init; }

    /// <summary>
    /// The PromQL query of a single-query job. For a multivariate job (<see cref="Features"/>) a description of its
    /// features (<c>name=query; …</c>), used in logs and in the state fingerprint.
    /// </summary>
    public required string Query { get; init; }

    /// <summary>
    /// Queries joined into one feature vector per entity and step (a multivariate job). Null: a single-query job,
    /// or an isolation_forest job whose model file lists the queries.
    /// </summary>
    public IReadOnlyList<FeatureQuery>? Features { get; init; }

    /// <summary>Labels that identify an entity across the <see cref="Features"/> queries, e.g. <c>instance</c>.</summary>
    public IReadOnlyList<string> JoinLabels { get; init; } = [];

    /// <summary>
    /// Scheduled retraining, shadowing and promotion of an isolation_forest job's model (<c>training:</c>,
    /// <c>promotion:</c>, <c>shadow:</c>). Null: the model only changes through <c>vigil train</c> / <c>vigil models</c>.
    /// </summary>
    public ModelLifecycleOptions? Lifecycle { get; init; }

    /// <summary>
    /// Labelled incident windows (<c>training.incidents</c>): validation of a trained candidate and the shadow comparison
    /// report precision, recall and F1 on them, and the promotion policy requires F1 not to drop.
    /// </summary>
    public IReadOnlyList<IncidentWindow> Incidents { get; init; } = [];

    /// <summary>Hyper-parameters for scheduled retraining (<c>training.forest</c>). Default: scikit-learn's defaults.</summary>
    public IsolationForestOptions Forest { get; init; } = new();

    public JobSource Source { get; init; } = JobSource.Prometheus;

    /// <summary>How often the job runs. Default 60 s (<c>SCRAPE_INTERVAL</c>).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Resolution of the range queries, i.e. the spacing of scored points. Default: the interval.</summary>
    public TimeSpan? Step { get; init; }

    public TimeSpan EffectiveStep => Step ?? Interval;

    /// <summary>
    /// How far behind "now" the newest scored point lies, so late scrapes have arrived before a point is
    /// scored (each point is scored exactly once). Default 0.
    /// </summary>
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    public DetectorSpec Detector { get; init; } = DetectorSpec.Default;

    /// <summary>Optional allow-list of labels that identify a series; all others are dropped before scoring.</summary>
    public IReadOnlySet<string>? Labels { get; init; }
}

public sealed record BusinessOptions
{
    /// <summary>Npgsql connection string (<c>business.database</c> or <c>VIGIL_DATABASE</c>).</summary>
    public required string ConnectionString { get; init; }

    public required Vigil.Postgres.BusinessMetricsOptions Pipeline { get; init; }
}
