using System.Globalization;
using Vigil.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Logs.Sources.Files;
using Vigil.Logs.Sources.Kubernetes;
using Vigil.Logs.Sources.Loki;
using Vigil.Logs.Sources.Syslog;
using YamlDotNet.RepresentationModel;

namespace Vigil.Logs.Configuration;

/// <summary>
/// <c>logs:</c> → <see cref="LogsOptions"/> (docs/logs.md). Nothing is stored without a <c>logs</c> section: then no
/// log is mined. Readers only parse; every rule lives in the options classes' <c>Validate()</c>, whose errors are
/// reported under <c>logs.</c> with their paths. Defaults are the options classes' own.
/// </summary>
public sealed class LogsConfigSection : IConfigSection
{
    public const string Path = "logs";

    private static readonly TimeSpan MaxPoll = TimeSpan.FromHours(1);

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        if (context.Mapping(Path) is not { } map)
        {
            return;
        }

        y.RejectUnknown(map, Path, "miner", "state_dir", "interval", "top_templates", "history_intervals", "checkpoint_interval", "detector", "sources");
        var defaults = new LogsOptions();
        var miner = defaults.Miner;
        if (y.Mapping(map, Path, "miner") is { } m)
        {
            var p = Path + ".miner";
            y.RejectUnknown(m, p, "similarity_threshold", "freeze_after_lines", "max_templates", "max_evicted_remembered", "max_line_length", "max_tokens", "max_cached_lines", "generalise_key_values", "split_by_first_token");
            miner = new MinerOptions
            {
                SimilarityThreshold = y.Double(m, p, "similarity_threshold", double.Epsilon, 1) ?? miner.SimilarityThreshold,
                FreezeAfterLines = y.Int(m, p, "freeze_after_lines", 1, int.MaxValue) ?? miner.FreezeAfterLines,
                MaxTemplates = y.Int(m, p, "max_templates", 1, int.MaxValue) ?? miner.MaxTemplates,
                MaxEvictedRemembered = y.Int(m, p, "max_evicted_remembered", 0, int.MaxValue) ?? miner.MaxEvictedRemembered,
                MaxLineLength = y.Int(m, p, "max_line_length", 1, int.MaxValue) ?? miner.MaxLineLength,
                MaxTokens = y.Int(m, p, "max_tokens", 1, int.MaxValue) ?? miner.MaxTokens,
                MaxCachedLines = y.Int(m, p, "max_cached_lines", 1, int.MaxValue) ?? miner.MaxCachedLines,
                GeneraliseKeyValues = y.Bool(m, p, "generalise_key_values") ?? miner.GeneraliseKeyValues,
                SplitByFirstToken = y.Bool(m, p, "split_by_first_token") ?? miner.SplitByFirstToken,
            };
        }

        var sources = new List<LogSourceOptions>();
        if (y.Sequence(map, Path, "sources") is { } seq)
        {
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var path = string.Create(CultureInfo.InvariantCulture, $"{Path}.sources[{i}]");
                if (seq.Children[i] is not YamlMappingNode source)
                {
                    y.Error(path, "must be a mapping with name, type and the type's keys");
                    continue;
                }

                if (ReadSource(y, source, path) is { } read)
                {
                    // Each source is checked under its own path in the file (a skipped source must not shift the index).
                    y.AddValidation(path, [.. read.Validate().Where(e => !e.StartsWith("name:", StringComparison.Ordinal))]);
                    if (read.Name.Length > 0 && sources.Exists(o => o.Name == read.Name))
                    {
                        y.Error(path + ".name", $"'{read.Name}' is used by another source");
                    }

                    sources.Add(read);
                }
            }
        }

        var options = new LogsOptions
        {
            Miner = miner,
            StateDirectory = y.String(map, Path, "state_dir"),
            Interval = y.Duration(map, Path, "interval", LogsOptions.MinInterval, LogsOptions.MaxInterval) ?? defaults.Interval,
            TopTemplates = y.Int(map, Path, "top_templates", 1, LogsOptions.MaxTopTemplates) ?? defaults.TopTemplates,
            HistoryIntervals = y.Int(map, Path, "history_intervals", 1, LogsOptions.MaxHistoryIntervals) ?? defaults.HistoryIntervals,
            CheckpointInterval = y.Duration(map, Path, "checkpoint_interval", TimeSpan.FromMilliseconds(1), MaxPoll) ?? defaults.CheckpointInterval,
            Detector = DetectorSpecReader.Read(y, map, Path, context.Detectors),
            Sources = sources,
        };

        // The readers above only checked that values parse; the rules (one per options class) are checked here once.
        y.AddValidation(Path, (options with { Sources = [] }).Validate());
        context.Set(options);
    }

    private static LogSourceOptions? ReadSource(ConfigReader y, YamlMappingNode s, string path)
    {
        var name = y.String(s, path, "name", required: true) ?? string.Empty;
        var type = y.String(s, path, "type", required: true);
        var formatText = y.String(s, path, "format");
        var format = LogFormat.Auto;
        if (formatText is not null && !HeaderParser.TryParseFormat(formatText, out format))
        {
            y.Error(path + ".format", $"unknown '{formatText}' (auto, none, syslog, klog, json, logfmt, clf)");
        }

        string[] common = ["name", "type", "format"];
        switch (type)
        {
            case "file":
                y.RejectUnknown(s, path, [.. common, "include", "read_gzip_rotated", "max_line_bytes", "poll_interval"]);
                var fileDefaults = new FileSourceOptions { Include = [] };
                return new LogSourceOptions
                {
                    Name = name,
                    Format = format,
                    File = new FileSourceOptions
                    {
                        Include = y.Strings(s, path, "include") ?? [],
                        ReadGzipRotated = y.Bool(s, path, "read_gzip_rotated") ?? fileDefaults.ReadGzipRotated,
                        MaxLineBytes = y.Int(s, path, "max_line_bytes", 1, int.MaxValue) ?? fileDefaults.MaxLineBytes,
                        PollInterval = y.Duration(s, path, "poll_interval", TimeSpan.FromMilliseconds(1), MaxPoll) ?? fileDefaults.PollInterval,
                    },
                };
            case "syslog":
                y.RejectUnknown(s, path, [.. common, "listen_address", "udp_port", "tcp_port", "max_message_bytes", "queue_capacity"]);
                var syslogDefaults = new SyslogOptions();
                return new LogSourceOptions
                {
                    Name = name,
                    Format = formatText is null ? LogFormat.Syslog : format,
                    Syslog = new SyslogOptions
                    {
                        ListenAddress = y.String(s, path, "listen_address") ?? syslogDefaults.ListenAddress,

                        // An explicit `udp_port: null` turns that listener off; an absent key keeps the default.
                        UdpPort = ConfigReader.Has(s, "udp_port") ? y.Int(s, path, "udp_port", 0, 65535) : syslogDefaults.UdpPort,
                        TcpPort = ConfigReader.Has(s, "tcp_port") ? y.Int(s, path, "tcp_port", 0, 65535) : syslogDefaults.TcpPort,
                        MaxMessageBytes = y.Int(s, path, "max_message_bytes", 1, int.MaxValue) ?? syslogDefaults.MaxMessageBytes,
                        QueueCapacity = y.Int(s, path, "queue_capacity", 1, int.MaxValue) ?? syslogDefaults.QueueCapacity,
                    },
                };
            case "loki":
                y.RejectUnknown(s, path, [.. common, "url", "query", "tenant", "username", "password", "bearer_token", "limit", "poll_interval", "delay", "initial_lookback"]);
                var url = y.String(s, path, "url", required: true);
                Uri? uri = null;
                if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out uri))
                {
                    y.Error(path + ".url", $"'{url}' is not an absolute http(s) URL");
                }

                return new LogSourceOptions
                {
                    Name = name,
                    Format = format,
                    Loki = new LokiOptions
                    {
                        Url = uri ?? new Uri("http://127.0.0.1/"),
                        Query = y.String(s, path, "query", required: true) ?? string.Empty,
                        Tenant = y.String(s, path, "tenant"),
                        Username = y.String(s, path, "username"),
                        Password = y.String(s, path, "password"),
                        BearerToken = y.String(s, path, "bearer_token"),
                        Limit = y.Int(s, path, "limit", 1, int.MaxValue) ?? LokiOptions.DefaultLimit,
                        PollInterval = y.Duration(s, path, "poll_interval", TimeSpan.FromMilliseconds(1), MaxPoll) ?? LokiOptions.DefaultPollInterval,
                        Delay = y.Duration(s, path, "delay", TimeSpan.Zero, MaxPoll) ?? LokiOptions.DefaultDelay,
                        InitialLookback = y.Duration(s, path, "initial_lookback", TimeSpan.Zero, TimeSpan.FromDays(30)) ?? LokiOptions.DefaultInitialLookback,
                    },
                };
            case "kubernetes":
                y.RejectUnknown(s, path, [.. common, "namespace", "label_selector", "tail_lines", "poll_interval", "kubeconfig", "in_cluster"]);
                return new LogSourceOptions
                {
                    Name = name,
                    Format = format,
                    Kubernetes = new KubernetesLogOptions
                    {
                        Namespace = y.String(s, path, "namespace", required: true) ?? string.Empty,
                        LabelSelector = y.String(s, path, "label_selector") ?? string.Empty,
                        TailLines = y.Int(s, path, "tail_lines", 1, int.MaxValue) ?? KubernetesLogOptions.DefaultTailLines,
                        PollInterval = y.Duration(s, path, "poll_interval", TimeSpan.FromMilliseconds(1), MaxPoll) ?? KubernetesLogOptions.DefaultPollInterval,
                        Kubeconfig = y.String(s, path, "kubeconfig"),
                        InCluster = y.Bool(s, path, "in_cluster") ?? false,
                    },
                };
            case null:
                return null;
            default:
                y.Error(path + ".type", $"unknown '{type}' (file, syslog, loki, kubernetes)");
                return null;
        }
    }
}
