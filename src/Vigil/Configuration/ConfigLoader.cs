using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Lifecycle;
using Vigil.Models.Shadow;
using Vigil.Models.Training;
using Vigil.Models.Validation;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Configuration;

/// <summary>
/// Builds <see cref="VigilOptions"/> from an optional YAML file and the environment, and validates all of it.
/// Environment variables of the reference design work on their own for a one-query deployment:
/// PROMETHEUS_URL, PROMQL_QUERY, LISTEN_PORT, SCRAPE_INTERVAL (seconds), MODEL_PATH.
/// </summary>
public sealed partial class ConfigLoader(DetectorRegistry detectors)
{
    public const string DefaultPrometheusUrl = "http://localhost:9090";

    private static readonly string[] RootKeys = ["server", "logging", "sources", "jobs", "model_path", "business", Vigil.Inspection.Configuration.InspectionSectionReader.SectionName];

    /// <summary>Loads and validates; throws <see cref="ConfigException"/> listing every error.</summary>
    public VigilOptions Load(string? path, IReadOnlyDictionary<string, string?> environment)
    {
        var (options, errors) = TryLoad(path, environment);
        return errors.Count > 0 || options is null ? throw new ConfigException(errors) : options;
    }

    public (VigilOptions? Options, IReadOnlyList<string> Errors) TryLoad(string? path, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<string>();
        YamlMappingNode root;
        if (path is null)
        {
            root = new YamlMappingNode();
        }
        else if (!File.Exists(path))
        {
            return (null, [$"{path}: file not found"]);
        }
        else
        {
            try
            {
                using var reader = File.OpenText(path);
                var stream = new YamlStream();
                stream.Load(reader);
                root = stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode as YamlMappingNode
                    ?? throw new YamlException("the document must be a mapping with server, sources and jobs");
            }
            catch (YamlException ex)
            {
                return (null, [$"{path}: line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}"]);
            }
        }

        var options = Read(root, path, environment, errors);
        return (errors.Count == 0 ? options : null, errors);
    }

    /// <summary>The environment variables this loader reads, in the order they are reported.</summary>
    public static readonly IReadOnlyList<string> EnvironmentVariables =
        ["PROMETHEUS_URL", "PROMQL_QUERY", "SCRAPE_INTERVAL", "LISTEN_PORT", "MODEL_PATH", "VIGIL_STATE_DIR", "VIGIL_DATABASE"];

    private VigilOptions Read(YamlMappingNode root, string? path, IReadOnlyDictionary<string, string?> env, List<string> errors)
    {
        var y = new YamlNodes(errors);
        y.RejectUnknown(root, string.Empty, RootKeys);

        var server = ReadServer(y, y.Mapping(root, string.Empty, "server"), env, errors);
        var logging = ReadLogging(y, y.Mapping(root, string.Empty, "logging"), errors);
        var sources = y.Mapping(root, string.Empty, "sources");
        if (sources is not null)
        {
            y.RejectUnknown(sources, "sources", "prometheus", "replay");
        }

        var prometheus = ReadPrometheus(y, sources is null ? null : y.Mapping(sources, "sources", "prometheus"), env, errors);
        var replay = ReadReplay(y, sources is null ? null : y.Mapping(sources, "sources", "replay"));

        TimeSpan? envInterval = null;
        if (Env(env, "SCRAPE_INTERVAL") is { } intervalText)
        {
            if (int.TryParse(intervalText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 86_400)
            {
                envInterval = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                errors.Add($"SCRAPE_INTERVAL: must be a whole number of seconds between 1 and 86400 (got '{intervalText}')");
            }
        }

        var jobs = ReadJobs(y, root, envInterval, prometheus is not null, errors);
        if (Env(env, "PROMQL_QUERY") is { } query)
        {
            // One-query deployment of the reference design: the variable defines (or replaces) the job "default".
            prometheus ??= new PrometheusSourceOptions { Url = new Uri(DefaultPrometheusUrl) };
            jobs.RemoveAll(j => j.Name == "default");
            jobs.Add(new JobOptions { Name = "default", Query = query, Interval = envInterval ?? JobOptions.DefaultInterval });
        }

        var business = ReadBusiness(y, y.Mapping(root, string.Empty, "business"), env, errors);
        var fromEnvironment = EnvironmentVariables.Where(name => Env(env, name) is not null).ToList();
        var isDemo = jobs.Count == 0 && business is null;
        string origin;
        if (isDemo)
        {
            // Nothing to monitor was configured: say so, rather than announcing the demo as if it came from the file.
            jobs.AddRange(ReplayDefaults.Jobs(envInterval));
            origin = path is null
                ? "embedded demo (no configuration file, no PROMQL_QUERY, no VIGIL_DATABASE)"
                : $"embedded demo ({path} defines no jobs and no business section)";
            if (!server.ListenAddressSet)
            {
                // The no-config demo is a workstation trial: loopback only, so its open write endpoints (feedback
                // buttons) are not open to the network. Containers set listen_address (or a config) explicitly.
                server = server with { ListenAddress = ServerOptions.DemoListenAddress };
            }
        }
        else if (path is null)
        {
            // Environment-only: name the variables, so "configuration file" is never announced when there is none.
            origin = $"environment ({string.Join(", ", fromEnvironment)})";
        }
        else
        {
            origin = path;
        }

        if (jobs.Any(j => j.Source == JobSource.Prometheus) && prometheus is null)
        {
            errors.Add("sources.prometheus: required by jobs with source prometheus (or set PROMETHEUS_URL)");
        }

        var modelPath = Env(env, "MODEL_PATH") ?? y.String(root, string.Empty, "model_path");
        foreach (var job in jobs.Where(j => string.Equals(j.Detector.Type, IsolationForestDetectorFactory.TypeName, StringComparison.OrdinalIgnoreCase)))
        {
            if (modelPath is null)
            {
                errors.Add($"model_path: required by isolation_forest job '{job.Name}' (or set MODEL_PATH)");
            }

            if (job.Source == JobSource.Replay)
            {
                errors.Add($"jobs: isolation_forest job '{job.Name}' needs source prometheus (models are trained on Prometheus history)");
            }
        }

        // The inspection section is read by its own assembly; the demo inspects the replay data unless told otherwise.
        var inspection = Vigil.Inspection.Configuration.InspectionSectionReader.Read(
            y.Mapping(root, string.Empty, Vigil.Inspection.Configuration.InspectionSectionReader.SectionName), env, errors, isDemo ? Vigil.Inspection.InspectionDefaults.Demo : null);
        if (inspection is not null)
        {
            errors.AddRange(inspection.Validate(detectors));
            if (inspection.Source == Vigil.Inspection.InspectionSource.Prometheus && prometheus is null)
            {
                errors.Add("inspection.source: prometheus needs sources.prometheus (or PROMETHEUS_URL); use source: replay for the demo data");
            }
        }

        return new VigilOptions
        {
            Inspection = inspection,
            Server = server,
            Logging = logging,
            Prometheus = prometheus,
            Replay = replay,
            Jobs = jobs,
            Business = business,
            ModelPath = modelPath,
            Origin = origin,
            IsEmbeddedDemo = isDemo,
        };
    }

    private static ServerOptions ReadServer(YamlNodes y, YamlMappingNode? map, IReadOnlyDictionary<string, string?> env, List<string> errors)
    {
        var server = new ServerOptions();
        if (map is not null)
        {
            y.RejectUnknown(map, "server", "listen_address", "port", "series_staleness", "shutdown_grace", "state_dir", "snapshot_interval", "write_token", "read_token", "allow_unauthenticated_writes", "grpc_port", "grpc_listen_address", "time_zone");
            server = new ServerOptions
            {
                ListenAddress = y.String(map, "server", "listen_address") ?? server.ListenAddress,
                Port = y.Int(map, "server", "port", 0, 65_535) ?? server.Port,
                SeriesStaleness = y.Duration(map, "server", "series_staleness", TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) ?? server.SeriesStaleness,
                ShutdownGrace = y.Duration(map, "server", "shutdown_grace", TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? server.ShutdownGrace,
                StateDirectory = y.String(map, "server", "state_dir"),
                SnapshotInterval = y.Duration(map, "server", "snapshot_interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) ?? server.SnapshotInterval,
                ListenAddressSet = map.Children.ContainsKey(new YamlScalarNode("listen_address")),
                Auth = Hosting.ApiAuthOptions.Read(y, map, errors),
                GrpcPort = y.Int(map, "server", "grpc_port", 1, 65_535),
                GrpcListenAddress = y.String(map, "server", "grpc_listen_address"),
                TimeZone = ReadTimeZone(y.String(map, "server", "time_zone"), errors),
            };
            if (server.GrpcListenAddress is { } grpcAddress && !System.Net.IPAddress.TryParse(grpcAddress, out _) && grpcAddress != "localhost")
            {
                errors.Add($"server.grpc_listen_address: '{grpcAddress}' is not an IP address");
            }

            if (server.GrpcPort is { } grpcPort && grpcPort == server.Port)
            {
                errors.Add($"server.grpc_port: must differ from server.port ({grpcPort}): the gRPC listener is HTTP/2-only");
            }
            if (!System.Net.IPAddress.TryParse(server.ListenAddress, out _) && server.ListenAddress != "localhost")
            {
                errors.Add($"server.listen_address: '{server.ListenAddress}' is not an IP address");
            }
        }

        if (Env(env, "VIGIL_STATE_DIR") is { } stateDir)
        {
            server = server with { StateDirectory = stateDir };
        }

        if (Env(env, "VIGIL_WRITE_TOKEN") is { } writeToken)
        {
            server = server with { Auth = server.Auth with { WriteToken = writeToken } };
        }

        if (Env(env, "VIGIL_READ_TOKEN") is { } readToken)
        {
            server = server with { Auth = server.Auth with { ReadToken = readToken } };
        }

        if (Env(env, "LISTEN_PORT") is { } portText)
        {
            if (int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65_535)
            {
                server = server with { Port = port };
            }
            else
            {
                errors.Add($"LISTEN_PORT: must be a port number between 0 and 65535 (got '{portText}')");
            }
        }

        return server;
    }

    private static TimeZoneInfo ReadTimeZone(string? id, List<string> errors)
    {
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"server.time_zone: '{id}' is not a known time zone id (e.g. UTC, Europe/Berlin, America/New_York)");
            return TimeZoneInfo.Utc;
        }
    }

    private static LoggingOptions ReadLogging(YamlNodes y, YamlMappingNode? map, List<string> errors)
    {
        if (map is null)
        {
            return new LoggingOptions();
        }

        y.RejectUnknown(map, "logging", "format", "level");
        var format = y.String(map, "logging", "format") ?? "text";
        if (format is not ("text" or "json"))
        {
            errors.Add($"logging.format: must be text or json (got '{format}')");
        }

        var level = y.String(map, "logging", "level") ?? "Information";
        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(level, ignoreCase: true, out _))
        {
            errors.Add($"logging.level: must be one of Trace, Debug, Information, Warning, Error, Critical (got '{level}')");
        }

        return new LoggingOptions { Format = format, Level = level };
    }

    private static PrometheusSourceOptions? ReadPrometheus(YamlNodes y, YamlMappingNode? map, IReadOnlyDictionary<string, string?> env, List<string> errors)
    {
        var envUrl = Env(env, "PROMETHEUS_URL");
        if (map is null && envUrl is null)
        {
            return null;
        }

        const string path = "sources.prometheus";
        map ??= new YamlMappingNode();
        y.RejectUnknown(map, path, "url", "timeout", "max_retries", "retry_base_delay", "bearer_token", "bearer_token_file", "username", "password", "ca_file", "insecure_skip_verify");
        var urlText = envUrl ?? y.String(map, path, "url") ?? DefaultPrometheusUrl;
        var urlPath = envUrl is null ? $"{path}.url" : "PROMETHEUS_URL";
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{urlPath}: '{urlText}' is not an absolute http(s) URL");
            url = new Uri(DefaultPrometheusUrl);
        }

        var defaults = new PrometheusSourceOptions { Url = url };
        var options = defaults with
        {
            Timeout = y.Duration(map, path, "timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)) ?? defaults.Timeout,
            MaxRetries = y.Int(map, path, "max_retries", 0, 20) ?? defaults.MaxRetries,
            RetryBaseDelay = y.Duration(map, path, "retry_base_delay", TimeSpan.Zero, TimeSpan.FromMinutes(1)) ?? defaults.RetryBaseDelay,
            BearerToken = y.String(map, path, "bearer_token"),
            BearerTokenFile = y.String(map, path, "bearer_token_file"),
            Username = y.String(map, path, "username"),
            Password = y.String(map, path, "password"),
            CaFile = y.String(map, path, "ca_file"),
            InsecureSkipVerify = y.Bool(map, path, "insecure_skip_verify") ?? false,
        };
        if (options.BearerToken is not null && options.BearerTokenFile is not null)
        {
            errors.Add($"{path}.bearer_token_file: set either bearer_token or bearer_token_file, not both");
        }

        if ((options.BearerToken ?? options.BearerTokenFile) is not null && options.Username is not null)
        {
            errors.Add($"{path}.username: basic auth and a bearer token are mutually exclusive");
        }

        if (options.Password is not null && options.Username is null)
        {
            errors.Add($"{path}.username: required when password is set");
        }

        foreach (var (key, file) in new[] { ("bearer_token_file", options.BearerTokenFile), ("ca_file", options.CaFile) })
        {
            if (file is not null && !File.Exists(file))
            {
                errors.Add($"{path}.{key}: file '{file}' not found");
            }
        }

        return options;
    }

    private BusinessOptions? ReadBusiness(YamlNodes y, YamlMappingNode? map, IReadOnlyDictionary<string, string?> env, List<string> errors)
    {
        var envDatabase = Env(env, "VIGIL_DATABASE");
        if (map is null && envDatabase is null)
        {
            return null;
        }

        const string path = "business";
        map ??= new YamlMappingNode();
        y.RejectUnknown(map, path, "database", "migrate_on_startup", "ingest", "aggregation", "detector");
        var database = envDatabase ?? y.String(map, path, "database", required: true) ?? string.Empty;
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(database);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{(envDatabase is null ? "business.database" : "VIGIL_DATABASE")}: not a valid connection string ({ex.Message})");
        }

        var pipeline = new Vigil.Postgres.BusinessMetricsOptions
        {
            MigrateOnStartup = y.Bool(map, path, "migrate_on_startup") ?? true,
        };
        if (y.Mapping(map, path, "ingest") is { } ingest)
        {
            const string p = "business.ingest";
            y.RejectUnknown(ingest, p, "bearer_token", "max_body_bytes", "max_payload_bytes", "max_events_per_request", "max_future_skew", "retention");
            var i = pipeline.Ingest;
            i.BearerToken = y.String(ingest, p, "bearer_token") ?? i.BearerToken;
            i.MaxBodyBytes = y.Int(ingest, p, "max_body_bytes", 1024, int.MaxValue) ?? i.MaxBodyBytes;
            i.MaxPayloadBytes = y.Int(ingest, p, "max_payload_bytes", 2, int.MaxValue) ?? i.MaxPayloadBytes;
            i.MaxEventsPerRequest = y.Int(ingest, p, "max_events_per_request", 1, int.MaxValue) ?? i.MaxEventsPerRequest;
            i.MaxFutureSkew = y.Duration(ingest, p, "max_future_skew", TimeSpan.Zero, TimeSpan.FromDays(7)) ?? i.MaxFutureSkew;
            i.Retention = y.Duration(ingest, p, "retention", TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)) ?? i.Retention;
        }

        if (y.Mapping(map, path, "aggregation") is { } aggregation)
        {
            const string p = "business.aggregation";
            y.RejectUnknown(aggregation, p, "enabled", "interval", "settle_delay", "allowed_lateness", "start_at", "event_types", "sum_fields");
            var a = pipeline.Aggregation;
            a.Enabled = y.Bool(aggregation, p, "enabled") ?? a.Enabled;
            a.Interval = y.Duration(aggregation, p, "interval", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? a.Interval;
            a.SettleDelay = y.Duration(aggregation, p, "settle_delay", TimeSpan.Zero, TimeSpan.FromHours(1)) ?? a.SettleDelay;
            a.AllowedLateness = y.Duration(aggregation, p, "allowed_lateness", TimeSpan.Zero, TimeSpan.FromDays(30)) ?? a.AllowedLateness;
            if (y.String(aggregation, p, "start_at") is { } startText)
            {
                if (DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startAt))
                {
                    a.StartAt = startAt;
                }
                else
                {
                    errors.Add($"{p}.start_at: '{startText}' is not an ISO-8601 time");
                }
            }

            if (y.Sequence(aggregation, p, "event_types") is { } types)
            {
                a.EventTypes = [.. types.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? string.Empty)];
            }

            if (y.Mapping(aggregation, p, "sum_fields") is { } sums)
            {
                a.SumFields = sums.Children.ToDictionary(
                    kv => ((YamlScalarNode)kv.Key).Value ?? string.Empty,
                    kv => (kv.Value as YamlScalarNode)?.Value ?? string.Empty,
                    StringComparer.Ordinal);
            }
        }

        if (y.Mapping(map, path, "detector") is not null)
        {
            pipeline.Detector = ReadDetector(y, map, path, errors);
        }

        // The detector was validated as it was read, with its path; the pipeline checks the rest.
        errors.AddRange(pipeline.Validate(detectors).Where(e => !e.StartsWith("detector.", StringComparison.Ordinal)).Select(e => $"{path}.{e}"));
        return new BusinessOptions { ConnectionString = database, Pipeline = pipeline };
    }

    private static ReplayOptions ReadReplay(YamlNodes y, YamlMappingNode? map)
    {
        if (map is null)
        {
            return new ReplayOptions();
        }

        y.RejectUnknown(map, "sources.replay", "speed", "seed");
        var defaults = new ReplayOptions();
        return new ReplayOptions
        {
            Speed = y.Double(map, "sources.replay", "speed", 0.001, 1_000_000) ?? defaults.Speed,
            Seed = y.Int(map, "sources.replay", "seed", int.MinValue, int.MaxValue) ?? defaults.Seed,
        };
    }

    private List<JobOptions> ReadJobs(YamlNodes y, YamlMappingNode root, TimeSpan? envInterval, bool hasPrometheus, List<string> errors)
    {
        var jobs = new List<JobOptions>();
        var seq = y.Sequence(root, string.Empty, "jobs");
        if (seq is null)
        {
            return jobs;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = $"jobs[{i}]";
            if (seq.Children[i] is not YamlMappingNode map)
            {
                errors.Add($"{path}: must be a mapping with name, query, interval and detector");
                continue;
            }

            y.RejectUnknown(map, path, "name", "query", "features", "join_labels", "source", "interval", "step", "delay", "detector", "labels", "training", "promotion", "shadow");
            var name = y.String(map, path, "name", required: true);
            var query = y.String(map, path, "query");
            var blankQuery = query is not null && string.IsNullOrWhiteSpace(query);
            if (blankQuery)
            {
                // An empty query is not "no query": without this, it passed here and failed in DI at start-up.
                errors.Add($"{path}.query: required");
                query = null;
            }

            if (name is not null)
            {
                if (!JobNameRegex().IsMatch(name))
                {
                    errors.Add($"{path}.name: '{name}' must match [A-Za-z0-9_.:-]{{1,64}}");
                }
                else if (!names.Add(name))
                {
                    errors.Add($"{path}.name: duplicate job name '{name}'");
                }
            }

            var sourceText = y.String(map, path, "source");
            var source = hasPrometheus || sourceText is not null ? JobSource.Prometheus : JobSource.Replay;
            if (sourceText is not null && !Enum.TryParse(sourceText, ignoreCase: true, out source))
            {
                errors.Add($"{path}.source: must be prometheus or replay (got '{sourceText}')");
            }

            var interval = y.Duration(map, path, "interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)) ?? envInterval ?? JobOptions.DefaultInterval;
            var step = y.Duration(map, path, "step", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
            var delay = y.Duration(map, path, "delay", TimeSpan.Zero, TimeSpan.FromDays(1)) ?? TimeSpan.Zero;
            var detector = ReadDetector(y, map, path, errors);
            var features = ReadFeatures(y, map, path, errors);
            var joinLabels = ReadLabelList(y, map, path, "join_labels", errors);
            var isForest = string.Equals(detector.Type, IsolationForestDetectorFactory.TypeName, StringComparison.OrdinalIgnoreCase);
            if (query is not null && features is not null)
            {
                errors.Add($"{path}.features: query and features are mutually exclusive (one query, or several joined into features)");
            }
            else if (query is null && features is null && !isForest && !blankQuery)
            {
                errors.Add($"{path}.query: required");
            }

            if (features is not null)
            {
                if (!isForest)
                {
                    errors.Add($"{path}.features: detector {detector.Type} scores one value per point; several features need detector type isolation_forest");
                }

                if (joinLabels is null || joinLabels.Count == 0)
                {
                    errors.Add($"{path}.join_labels: required with features (the labels that identify an entity across the queries, e.g. [instance])");
                }
            }
            else if (joinLabels is not null && query is not null)
            {
                errors.Add($"{path}.join_labels: only used with features");
            }

            if (features is not null)
            {
                query = string.Join("; ", features.Select(f => $"{f.Name}={f.Query}"));
            }

            var (lifecycle, forest) = ReadLifecycle(y, map, path, errors);
            var incidents = ReadIncidents(y, map, path, errors);
            if (lifecycle is not null && (!isForest || features is null))
            {
                errors.Add($"{path}.training: scheduled retraining needs detector type isolation_forest and features");
            }
            HashSet<string>? labels = null;
            if (y.Sequence(map, path, "labels") is { } labelSeq)
            {
                labels = labelSeq.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? string.Empty).ToHashSet(StringComparer.Ordinal);
                if (labels.Count != labelSeq.Children.Count || labels.Any(string.IsNullOrWhiteSpace))
                {
                    errors.Add($"{path}.labels: must be a list of label names");
                }
            }

            if (name is not null && (query is not null || (isForest && !blankQuery)))
            {
                jobs.Add(new JobOptions
                {
                    Name = name,
                    Query = query ?? string.Empty,
                    Features = features,
                    JoinLabels = joinLabels ?? [],
                    Lifecycle = lifecycle,
                    Incidents = incidents,
                    Forest = forest,
                    Source = source,
                    Interval = interval,
                    Step = step,
                    Delay = delay,
                    Detector = detector,
                    Labels = labels,
                });
            }
        }

        return jobs;
    }

    private static List<FeatureQuery>? ReadFeatures(YamlNodes y, YamlMappingNode job, string jobPath, List<string> errors)
    {
        if (y.Sequence(job, jobPath, "features") is not { } seq)
        {
            return null;
        }

        var features = new List<FeatureQuery>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (seq.Children.Count == 0)
        {
            errors.Add($"{jobPath}.features: at least one feature is required");
        }

        for (var j = 0; j < seq.Children.Count; j++)
        {
            var path = $"{jobPath}.features[{j}]";
            if (seq.Children[j] is not YamlMappingNode map)
            {
                errors.Add($"{path}: must be a mapping with name and query");
                continue;
            }

            y.RejectUnknown(map, path, "name", "query", "scaling");
            var name = y.String(map, path, "name", required: true);
            var query = y.String(map, path, "query", required: true);
            if (query is not null && string.IsNullOrWhiteSpace(query))
            {
                errors.Add($"{path}.query: required");
                query = null;
            }

            var scalingText = y.String(map, path, "scaling") ?? "none";
            ScalingKind? scaling = scalingText.ToLowerInvariant() switch
            {
                "none" => ScalingKind.None,
                "standard" => ScalingKind.Standard,
                "robust" => ScalingKind.Robust,
                _ => null,
            };
            if (scaling is null)
            {
                errors.Add($"{path}.scaling: must be none, standard or robust (got '{scalingText}')");
            }

            if (name is not null && !names.Add(name))
            {
                errors.Add($"{path}.name: duplicate feature name '{name}'");
            }

            if (name is not null && query is not null)
            {
                features.Add(new FeatureQuery(name, query, scaling ?? ScalingKind.None));
            }
        }

        return features;
    }

    private static (ModelLifecycleOptions? Lifecycle, IsolationForestOptions Forest) ReadLifecycle(YamlNodes y, YamlMappingNode job, string jobPath, List<string> errors)
    {
        var training = y.Mapping(job, jobPath, "training");
        var promotionMap = y.Mapping(job, jobPath, "promotion");
        var shadowOff = job.Children.TryGetValue(new YamlScalarNode("shadow"), out var shadowNode) && shadowNode is YamlScalarNode { Value: "off" or "false" };
        var shadowMap = shadowOff ? null : y.Mapping(job, jobPath, "shadow");
        if (training is null)
        {
            if (promotionMap is not null || shadowMap is not null || shadowOff)
            {
                errors.Add($"{jobPath}.training: required when promotion or shadow is set");
            }

            return (null, new IsolationForestOptions());
        }

        var path = $"{jobPath}.training";
        y.RejectUnknown(training, path, "fit_every", "fit_window", "retry_after_failure", "forest", "incidents");
        var defaults = new ModelLifecycleOptions();
        var forest = new IsolationForestOptions();
        if (y.Mapping(training, path, "forest") is { } forestMap)
        {
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in forestMap.Children)
            {
                if (value is YamlScalarNode { Value: { } text })
                {
                    parameters[((YamlScalarNode)key).Value ?? string.Empty] = text;
                }
                else
                {
                    errors.Add($"{path}.forest.{key}: must be a single value");
                }
            }

            (forest, var forestErrors) = IsolationForestOptionsParser.Parse(parameters);
            errors.AddRange(forestErrors.Select(e => $"{path}.forest.{e}"));
        }

        var promotion = new PromotionPolicyOptions();
        if (promotionMap is not null)
        {
            const double Max = 1;
            var p = $"{jobPath}.promotion";
            y.RejectUnknown(promotionMap, p, "min_anomaly_rate", "max_anomaly_rate", "f1_tolerance", "min_rows");
            promotion = new PromotionPolicyOptions
            {
                MinAnomalyRate = y.Double(promotionMap, p, "min_anomaly_rate", 0, Max) ?? promotion.MinAnomalyRate,
                MaxAnomalyRate = y.Double(promotionMap, p, "max_anomaly_rate", 0, Max) ?? promotion.MaxAnomalyRate,
                F1Tolerance = y.Double(promotionMap, p, "f1_tolerance", 0, Max) ?? promotion.F1Tolerance,
                MinRows = y.Int(promotionMap, p, "min_rows", 0, int.MaxValue) ?? promotion.MinRows,
            };
        }

        // Shadowing is on by default (24 h); `shadow: { duration: 0s }` is refused, `shadow: off` decides at once.
        ShadowOptions? shadow = new();
        if (shadowOff)
        {
            shadow = null;
        }
        else if (shadowMap is not null)
        {
            y.RejectUnknown(shadowMap, $"{jobPath}.shadow", "duration");
            shadow = new ShadowOptions { Duration = y.Duration(shadowMap, $"{jobPath}.shadow", "duration", TimeSpan.FromSeconds(1), TimeSpan.FromDays(90)) ?? shadow.Duration };
        }

        var lifecycle = new ModelLifecycleOptions
        {
            FitEvery = y.Duration(training, path, "fit_every", TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)) ?? defaults.FitEvery,
            FitWindow = y.Duration(training, path, "fit_window", TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650)) ?? defaults.FitWindow,
            RetryAfterFailure = y.Duration(training, path, "retry_after_failure", TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) ?? defaults.RetryAfterFailure,
            Shadow = shadow,
            Promotion = promotion,
        };
        errors.AddRange(lifecycle.Validate().Select(e => $"{jobPath}.{e}"));
        return (lifecycle, forest);
    }

    /// <summary><c>training.incidents: [{ from: ISO-8601, to: ISO-8601, labels: { instance: a } }]</c>; labels optional (all entities).</summary>
    private static List<IncidentWindow> ReadIncidents(YamlNodes y, YamlMappingNode job, string jobPath, List<string> errors)
    {
        var incidents = new List<IncidentWindow>();
        if (y.Mapping(job, jobPath, "training") is not { } training || y.Sequence(training, $"{jobPath}.training", "incidents") is not { } seq)
        {
            return incidents;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = $"{jobPath}.training.incidents[{i}]";
            if (seq.Children[i] is not YamlMappingNode map)
            {
                errors.Add($"{path}: must be a mapping with from, to and optional labels");
                continue;
            }

            y.RejectUnknown(map, path, "from", "to", "labels");
            var from = ReadTime(y, map, path, "from", errors);
            var to = ReadTime(y, map, path, "to", errors);
            var labels = new List<Label>();
            if (y.Mapping(map, path, "labels") is { } labelMap)
            {
                labels.AddRange(labelMap.Children.Select(kv => new Label(((YamlScalarNode)kv.Key).Value ?? string.Empty, (kv.Value as YamlScalarNode)?.Value ?? string.Empty)));
            }

            if (from is { } f && to is { } t)
            {
                if (t < f)
                {
                    errors.Add($"{path}.to: must not be before from");
                }
                else
                {
                    incidents.Add(new IncidentWindow(f, t, Labels.From(labels.ToArray())));
                }
            }
        }

        return incidents;
    }

    private static DateTimeOffset? ReadTime(YamlNodes y, YamlMappingNode map, string path, string key, List<string> errors)
    {
        var text = y.String(map, path, key, required: true);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        errors.Add($"{path}.{key}: '{text}' is not an ISO-8601 time");
        return null;
    }

    private static List<string>? ReadLabelList(YamlNodes y, YamlMappingNode job, string jobPath, string key, List<string> errors)
    {
        if (y.Sequence(job, jobPath, key) is not { } seq)
        {
            return null;
        }

        var labels = seq.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? string.Empty).ToList();
        if (labels.Count != seq.Children.Count || labels.Any(string.IsNullOrWhiteSpace) || labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            errors.Add($"{jobPath}.{key}: must be a list of distinct label names");
        }

        return labels;
    }

    private DetectorSpec ReadDetector(YamlNodes y, YamlMappingNode job, string jobPath, List<string> errors)
    {
        var map = y.Mapping(job, jobPath, "detector");
        if (map is null)
        {
            return DetectorSpec.Default;
        }

        var path = $"{jobPath}.detector";
        var type = y.String(map, path, "type") ?? DetectorSpec.Default.Type;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (key == "type")
            {
                continue;
            }

            if (valueNode is YamlScalarNode { Value: { } value })
            {
                parameters[key] = value;
            }
            else
            {
                errors.Add($"{path}.{key}: must be a single value");
            }
        }

        var spec = new DetectorSpec(type, parameters);
        errors.AddRange(detectors.Validate(spec).Select(e => $"{path}.{e}"));
        return spec;
    }

    private static string? Env(IReadOnlyDictionary<string, string?> env, string name)
        => env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex JobNameRegex();
}
