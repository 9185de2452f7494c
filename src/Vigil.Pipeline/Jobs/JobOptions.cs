using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Lifecycle;
using Vigil.Models.Training;

namespace Vigil.Pipeline.Jobs;

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

    /// <summary>The interval of a job that sets none (and of <c>PROMQL_QUERY</c> without <c>SCRAPE_INTERVAL</c>): defined here only.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <summary>Shortest interval (and step) accepted.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest interval (and step) accepted.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    /// <summary>How often the job runs. Default <see cref="DefaultInterval"/> (<c>SCRAPE_INTERVAL</c>).</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

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

    /// <summary>
    /// Route this job's episode onsets and ends through alerting (<c>notify: true</c>), so a team without Prometheus
    /// alert rules still gets alerts. Needs an <c>alerting</c> section. Default false.
    /// </summary>
    public bool Notify { get; init; }
}
