using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Series;
using Vigil.Models.Lifecycle;
using Vigil.Models.Shadow;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Models.Validation;
using Vigil.Prometheus;
using YamlDotNet.RepresentationModel;

namespace Vigil.Pipeline.Jobs;

/// <summary>The detection jobs of the configuration, and the interval of a job that sets none (<c>SCRAPE_INTERVAL</c>).</summary>
public sealed record JobsOptions
{
    public IReadOnlyList<JobOptions> Jobs { get; init; } = [];

    /// <summary><c>SCRAPE_INTERVAL</c>: the interval of jobs that set none (the embedded demo's too); null: <see cref="JobOptions.DefaultInterval"/>.</summary>
    public TimeSpan? DefaultInterval { get; init; }
}

/// <summary>
/// <c>jobs:</c>, plus the reference design's one-query variables <c>PROMQL_QUERY</c> (defines or replaces the job
/// "default", against the default Prometheus unless one is configured) and <c>SCRAPE_INTERVAL</c> (seconds) →
/// <see cref="JobsOptions"/>. Runs after the Prometheus and model-store sections: a job's default source, and whether
/// an isolation_forest job has its model directory, depend on them.
/// </summary>
public sealed partial class JobsSection : IConfigSection
{
    public const string Path = "jobs";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = ["PROMQL_QUERY", "SCRAPE_INTERVAL"];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        var errors = y.Errors;
        TimeSpan? envInterval = null;
        if (context.Env("SCRAPE_INTERVAL") is { } intervalText)
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

        var jobs = ReadJobs(y, context.Root, envInterval, context.Get<PrometheusClientOptions>() is not null, context.Detectors, errors);
        if (context.Env("PROMQL_QUERY") is { } query)
        {
            // One-query deployment of the reference design: the variable defines (or replaces) the job "default".
            if (context.Get<PrometheusClientOptions>() is null)
            {
                context.Set(new PrometheusClientOptions());
            }

            jobs.RemoveAll(j => j.Name == "default");
            jobs.Add(new JobOptions { Name = "default", Query = query, Interval = envInterval ?? JobOptions.DefaultInterval });
        }

        if (jobs.Any(j => j.Source == JobSource.Prometheus) && context.Get<PrometheusClientOptions>() is null)
        {
            errors.Add("sources.prometheus: required by jobs with source prometheus (or set PROMETHEUS_URL)");
        }

        if (context.Get<PrometheusClientOptions>() is { Protocol: PrometheusProtocol.RemoteRead })
        {
            CheckSelectors(jobs, errors);
        }

        var modelPath = context.Get<ModelStoreOptions>()?.Directory;
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

        context.Set(new JobsOptions { Jobs = jobs, DefaultInterval = envInterval });
    }

    /// <summary>
    /// Remote-read reads stored series by label matchers and evaluates no PromQL: every Prometheus job's query (each
    /// feature's, for a multivariate job) must be a plain selector. Said here, at start-up, not by the first cycle.
    /// </summary>
    private static void CheckSelectors(List<JobOptions> jobs, List<string> errors)
    {
        foreach (var job in jobs.Where(j => j.Source == JobSource.Prometheus))
        {
            var queries = job.Features is { } features ? features.Select(f => (What: $"feature '{f.Name}' query", f.Query)) : [("query", job.Query)];
            foreach (var (what, query) in queries)
            {
                if (!Vigil.Prometheus.RemoteRead.PromSelector.TryParse(query, out _, out var error))
                {
                    errors.Add($"jobs: job '{job.Name}' {what}: sources.prometheus.protocol is remote_read, and {error}");
                }
            }
        }
    }

    private static List<JobOptions> ReadJobs(ConfigReader y, YamlMappingNode root, TimeSpan? envInterval, bool hasPrometheus, DetectorRegistry detectors, List<string> errors)
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

            y.RejectUnknown(map, path, "name", "query", "features", "join_labels", "source", "interval", "step", "delay", "detector", "labels", "training", "promotion", "shadow", "notify");
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

            var interval = y.Duration(map, path, "interval", JobOptions.MinInterval, JobOptions.MaxInterval) ?? envInterval ?? JobOptions.DefaultInterval;
            var step = y.Duration(map, path, "step", JobOptions.MinInterval, JobOptions.MaxInterval);
            var delay = y.Duration(map, path, "delay", TimeSpan.Zero, TimeSpan.FromDays(1)) ?? TimeSpan.Zero;
            var detector = DetectorSpecReader.Read(y, map, path, detectors);
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
                    Notify = y.Bool(map, path, "notify") ?? false,
                });
            }
        }

        return jobs;
    }

    private static List<FeatureQuery>? ReadFeatures(ConfigReader y, YamlMappingNode job, string jobPath, List<string> errors)
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

    private static (ModelLifecycleOptions? Lifecycle, IsolationForestOptions Forest) ReadLifecycle(ConfigReader y, YamlMappingNode job, string jobPath, List<string> errors)
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
    private static List<IncidentWindow> ReadIncidents(ConfigReader y, YamlMappingNode job, string jobPath, List<string> errors)
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

    private static DateTimeOffset? ReadTime(ConfigReader y, YamlMappingNode map, string path, string key, List<string> errors)
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

    private static List<string>? ReadLabelList(ConfigReader y, YamlMappingNode job, string jobPath, string key, List<string> errors)
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


    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex JobNameRegex();
}
