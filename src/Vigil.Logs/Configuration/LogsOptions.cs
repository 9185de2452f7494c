using System.Globalization;
using Vigil.Core.Detection;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Logs.Sources.Files;
using Vigil.Logs.Sources.Kubernetes;
using Vigil.Logs.Sources.Loki;
using Vigil.Logs.Sources.Syslog;

namespace Vigil.Logs.Configuration;

/// <summary>
/// The <c>logs:</c> section (docs/logs.md): one miner configuration for every source, where state goes, how counts
/// are cut into intervals and scored, and the sources. Every default is defined here, once.
/// </summary>
public sealed record LogsOptions
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(10);
    public const int DefaultTopTemplates = 20;
    public const int MaxTopTemplates = 1000;
    public const int DefaultHistoryIntervals = 360;
    public const int MaxHistoryIntervals = 100_000;

    public MinerOptions Miner { get; init; } = new();

    /// <summary>
    /// Where template ids and source checkpoints are written. Null: <c>server.state_dir</c>/logs when that is set,
    /// else nothing is persisted (ids and positions start afresh on every start).
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>Length of one counting interval: each template's lines per interval is one scored point.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Templates scored as their own series per source (the most frequent); the rest is summed as <c>other</c>.</summary>
    public int TopTemplates { get; init; } = DefaultTopTemplates;

    /// <summary>Closed intervals kept in memory per source for <c>GET /api/v1/logs/templates</c>.</summary>
    public int HistoryIntervals { get; init; } = DefaultHistoryIntervals;

    /// <summary>How often template ids and positions are written while lines flow (and always at stop).</summary>
    public TimeSpan CheckpointInterval { get; init; } = DefaultCheckpointInterval;

    /// <summary>The detector scoring each template's count per interval.</summary>
    public DetectorSpec Detector { get; init; } = DetectorSpec.Default;

    public IReadOnlyList<LogSourceOptions> Sources { get; init; } = [];

    /// <summary>Every error, each starting with its key under <c>logs</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        errors.AddRange(Miner.Validate().Select(e => "miner." + e));
        if (Interval < MinInterval || Interval > MaxInterval)
        {
            errors.Add("interval: must be between 1s and 1h");
        }

        if (TopTemplates is < 1 or > MaxTopTemplates)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"top_templates: must be between 1 and {MaxTopTemplates}"));
        }

        if (HistoryIntervals is < 1 or > MaxHistoryIntervals)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"history_intervals: must be between 1 and {MaxHistoryIntervals}"));
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            errors.Add("checkpoint_interval: must be > 0");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Sources.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"sources[{i}].");
            var source = Sources[i];
            if (!string.IsNullOrWhiteSpace(source.Name) && !names.Add(source.Name))
            {
                errors.Add($"{prefix}name: '{source.Name}' is used by another source");
            }

            errors.AddRange(source.Validate().Select(e => prefix + e));
        }

        return errors;
    }
}

/// <summary>One source: a name (the <c>source</c> label), its header layout, and exactly one kind of options.</summary>
public sealed record LogSourceOptions
{
    public required string Name { get; init; }

    /// <summary>The header layout; <see cref="LogFormat.Auto"/> detects it per line (syslog sources default to syslog).</summary>
    public LogFormat Format { get; init; } = LogFormat.Auto;

    public FileSourceOptions? File { get; init; }

    public SyslogOptions? Syslog { get; init; }

    public LokiOptions? Loki { get; init; }

    public KubernetesLogOptions? Kubernetes { get; init; }

    /// <summary>Every error of this source, each starting with its key (<c>name: required</c>).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name: required");
        }

        var kinds = (File is null ? 0 : 1) + (Syslog is null ? 0 : 1) + (Loki is null ? 0 : 1) + (Kubernetes is null ? 0 : 1);
        if (kinds != 1)
        {
            errors.Add("type: exactly one of file, syslog, loki, kubernetes");
        }

        errors.AddRange(File?.Validate() ?? []);
        errors.AddRange(Syslog?.Validate() ?? []);
        errors.AddRange(Loki?.Validate() ?? []);
        errors.AddRange(Kubernetes?.Validate() ?? []);
        return errors;
    }

    /// <summary>The source kind as configured (<c>file</c>, <c>syslog</c>, <c>loki</c>, <c>kubernetes</c>).</summary>
    public string Kind => File is not null ? "file" : Syslog is not null ? "syslog" : Loki is not null ? "loki" : "kubernetes";
}
