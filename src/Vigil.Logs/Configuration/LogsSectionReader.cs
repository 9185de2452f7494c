using System.Collections;
using System.Globalization;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Logs.Sources.Files;
using Vigil.Logs.Sources.Kubernetes;
using Vigil.Logs.Sources.Loki;
using Vigil.Logs.Sources.Syslog;

namespace Vigil.Logs.Configuration;

/// <summary>The <c>logs:</c> section: one miner configuration, a state directory, and the sources.</summary>
public sealed record LogsOptions
{
    public MinerOptions Miner { get; init; } = new();

    /// <summary>Where template state and source checkpoints are written; null keeps them in memory only.</summary>
    public string? StateDirectory { get; init; }

    public IReadOnlyList<LogSourceOptions> Sources { get; init; } = [];
}

/// <summary>One source: a name (the <c>source</c> label), its header layout, and exactly one kind of options.</summary>
public sealed record LogSourceOptions
{
    public required string Name { get; init; }

    public LogFormat Format { get; init; } = LogFormat.Auto;

    public FileSourceOptions? File { get; init; }

    public SyslogOptions? Syslog { get; init; }

    public LokiOptions? Loki { get; init; }

    public KubernetesLogOptions? Kubernetes { get; init; }
}

/// <summary>
/// Reads the <c>logs:</c> section from the generic tree a YAML or JSON reader produces (maps as
/// <see cref="IDictionary"/>, sequences as <see cref="IList"/>, scalars as strings), and validates it: every error
/// with its path (<c>logs.sources[1].url: required</c>), all at once. Defaults are those of the options classes.
/// </summary>
public static class LogsSectionReader
{
    public static (LogsOptions? Options, IReadOnlyList<string> Errors) Read(object? section, string path = "logs")
    {
        var errors = new List<string>();
        if (section is null)
        {
            return (new LogsOptions(), errors);
        }

        if (section is not IDictionary map)
        {
            errors.Add($"{path}: must be a map");
            return (null, errors);
        }

        var reader = new MapReader(map, path, errors);
        var minerMap = reader.Map("miner");
        var miner = new MinerOptions();
        if (minerMap is not null)
        {
            var m = new MapReader(minerMap, path + ".miner", errors);
            miner = new MinerOptions
            {
                SimilarityThreshold = m.Double("similarity_threshold") ?? MinerOptions.DefaultSimilarityThreshold,
                FreezeAfterLines = m.Int("freeze_after_lines") ?? MinerOptions.DefaultFreezeAfterLines,
                MaxTemplates = m.Int("max_templates") ?? MinerOptions.DefaultMaxTemplates,
                MaxEvictedRemembered = m.Int("max_evicted_remembered") ?? MinerOptions.DefaultMaxTemplates,
                MaxLineLength = m.Int("max_line_length") ?? MinerOptions.DefaultMaxLineLength,
                MaxTokens = m.Int("max_tokens") ?? MinerOptions.DefaultMaxTokens,
                GeneraliseKeyValues = m.Bool("generalise_key_values") ?? true,
                SplitByFirstToken = m.Bool("split_by_first_token") ?? true,
            };
            m.RejectUnknown();
            errors.AddRange(miner.Validate().Select(e => $"{path}.miner.{e}"));
        }

        var stateDirectory = reader.String("state_dir");
        var sources = new List<LogSourceOptions>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var list = reader.List("sources");
        for (var i = 0; list is not null && i < list.Count; i++)
        {
            var sourcePath = string.Create(CultureInfo.InvariantCulture, $"{path}.sources[{i}]");
            if (list[i] is not IDictionary sourceMap)
            {
                errors.Add($"{sourcePath}: must be a map");
                continue;
            }

            if (ReadSource(new MapReader(sourceMap, sourcePath, errors), sourcePath, errors) is { } source)
            {
                if (!names.Add(source.Name))
                {
                    errors.Add($"{sourcePath}.name: '{source.Name}' is used by another source");
                }

                sources.Add(source);
            }
        }

        reader.RejectUnknown();
        return errors.Count > 0 ? (null, errors) : (new LogsOptions { Miner = miner, StateDirectory = stateDirectory, Sources = sources }, errors);
    }

    private static LogSourceOptions? ReadSource(MapReader s, string path, List<string> errors)
    {
        var name = s.String("name");
        var type = s.String("type");
        var formatText = s.String("format");
        var format = LogFormat.Auto;
        if (formatText is not null && !HeaderParser.TryParseFormat(formatText, out format))
        {
            errors.Add($"{path}.format: unknown '{formatText}' (auto, none, syslog, klog, json, logfmt, clf)");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add($"{path}.name: required");
        }

        LogSourceOptions? result = null;
        switch (type)
        {
            case "file":
                var file = new FileSourceOptions
                {
                    Include = s.Strings("include") ?? [],
                    ReadGzipRotated = s.Bool("read_gzip_rotated") ?? true,
                    MaxLineBytes = s.Int("max_line_bytes") ?? FileSourceOptions.DefaultMaxLineBytes,
                    PollInterval = s.Duration("poll_interval") ?? FileSourceOptions.DefaultPollInterval,
                };
                errors.AddRange(file.Validate().Select(e => $"{path}.{e}"));
                result = new LogSourceOptions { Name = name ?? "", Format = format, File = file };
                break;
            case "syslog":
                var syslog = new SyslogOptions
                {
                    ListenAddress = s.String("listen_address") ?? "127.0.0.1",
                    UdpPort = s.Has("udp_port") ? s.Int("udp_port") : 5514,
                    TcpPort = s.Has("tcp_port") ? s.Int("tcp_port") : 5514,
                    MaxMessageBytes = s.Int("max_message_bytes") ?? SyslogOptions.DefaultMaxMessageBytes,
                    QueueCapacity = s.Int("queue_capacity") ?? SyslogOptions.DefaultQueueCapacity,
                };
                errors.AddRange(syslog.Validate().Select(e => $"{path}.{e}"));
                result = new LogSourceOptions { Name = name ?? "", Format = formatText is null ? LogFormat.Syslog : format, Syslog = syslog };
                break;
            case "loki":
                var url = s.String("url");
                var loki = new LokiOptions
                {
                    Url = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : new Uri("invalid:"),
                    Query = s.String("query") ?? "",
                    Tenant = s.String("tenant"),
                    Username = s.String("username"),
                    Password = s.String("password"),
                    BearerToken = s.String("bearer_token"),
                    Limit = s.Int("limit") ?? LokiOptions.DefaultLimit,
                    PollInterval = s.Duration("poll_interval") ?? LokiOptions.DefaultPollInterval,
                    Delay = s.Duration("delay") ?? LokiOptions.DefaultDelay,
                    InitialLookback = s.Duration("initial_lookback") ?? LokiOptions.DefaultInitialLookback,
                };
                errors.AddRange(loki.Validate().Select(e => $"{path}.{e}"));
                result = new LogSourceOptions { Name = name ?? "", Format = format, Loki = loki };
                break;
            case "kubernetes":
                var kubernetes = new KubernetesLogOptions
                {
                    Namespace = s.String("namespace") ?? "",
                    LabelSelector = s.String("label_selector") ?? "",
                    TailLines = s.Int("tail_lines") ?? KubernetesLogOptions.DefaultTailLines,
                    PollInterval = s.Duration("poll_interval") ?? KubernetesLogOptions.DefaultPollInterval,
                };
                errors.AddRange(kubernetes.Validate().Select(e => $"{path}.{e}"));
                result = new LogSourceOptions { Name = name ?? "", Format = format, Kubernetes = kubernetes };
                break;
            default:
                errors.Add($"{path}.type: {(type is null ? "required" : $"unknown '{type}'")} (file, syslog, loki, kubernetes)");
                break;
        }

        s.RejectUnknown();
        return result;
    }

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var unitStart = 0;
        while (unitStart < text.Length && (char.IsAsciiDigit(text[unitStart]) || text[unitStart] == '.'))
        {
            unitStart++;
        }

        if (unitStart == 0 || !double.TryParse(text.AsSpan(0, unitStart), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        TimeSpan? result = text[unitStart..] switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            "d" => TimeSpan.FromDays(value),
            _ => null,
        };
        duration = result ?? default;
        return result is not null;
    }

    private sealed class MapReader(IDictionary map, string path, List<string> errors)
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public bool Has(string key) => map.Contains(key);

        private object? Get(string key)
        {
            _read.Add(key);
            return map.Contains(key) ? map[key] : null;
        }

        public string? String(string key) => Get(key) switch
        {
            null => null,
            string s => s,
            IConvertible c => c.ToString(CultureInfo.InvariantCulture),
            _ => Error<string>(key, "must be a scalar"),
        };

        public int? Int(string key) => String(key) is { } s
            ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : Error<int?>(key, $"'{s}' is not an integer")
            : null;

        public double? Double(string key) => String(key) is { } s
            ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : Error<double?>(key, $"'{s}' is not a number")
            : null;

        public bool? Bool(string key) => String(key) is { } s
            ? bool.TryParse(s, out var v) ? v : Error<bool?>(key, $"'{s}' is not true or false")
            : null;

        public TimeSpan? Duration(string key) => String(key) is { } s
            ? TryParseDuration(s, out var v) ? v : Error<TimeSpan?>(key, $"'{s}' is not a duration (500ms, 30s, 5m, 1h)")
            : null;

        public IDictionary? Map(string key) => Get(key) switch
        {
            null => null,
            IDictionary d => d,
            _ => Error<IDictionary>(key, "must be a map"),
        };

        public IList? List(string key) => Get(key) switch
        {
            null => null,
            IList l => l,
            _ => Error<IList>(key, "must be a list"),
        };

        public List<string>? Strings(string key) => List(key)?.Cast<object?>().Select(o => o?.ToString() ?? "").ToList();

        public void RejectUnknown()
        {
            foreach (var key in map.Keys)
            {
                if (!_read.Contains(key?.ToString() ?? ""))
                {
                    errors.Add($"{path}.{key}: unknown key");
                }
            }
        }

        private T? Error<T>(string key, string message)
        {
            errors.Add($"{path}.{key}: {message}");
            return default;
        }
    }
}
