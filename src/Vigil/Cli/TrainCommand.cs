using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Configuration;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Core.Sources;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;
using Vigil.Models.Files;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Models.Validation;
using Vigil.Prometheus;

namespace Vigil.Cli;

/// <summary>
/// <c>vigil train</c>: fetches a job's history from Prometheus, fits an Isolation Forest, validates it beside the
/// active model and writes a candidate; <c>--promote</c> applies the promotion policy. All logic is in Vigil.Models.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config", "-c") { Description = "YAML configuration: Prometheus, model_path and the job (default: $VIGIL_CONFIG)." };
        var job = new Option<string>("--job", "-j") { Description = "Job (and model) name.", Required = true };
        var window = new Option<string?>("--window", "-w") { Description = "History ending now, e.g. 14d (default 14d)." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Window start (ISO-8601); with --to instead of --window." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Window end (ISO-8601)." };
        var features = new Option<string[]>("--feature", "-f") { Description = "Feature as name=PromQL, repeatable (default: the job's query as one feature).", AllowMultipleArgumentsPerToken = false };
        var joinLabels = new Option<string[]>("--join-label", "-l") { Description = "Label identifying an entity across queries, repeatable (default: the job's label allow-list).", AllowMultipleArgumentsPerToken = false };
        var scaling = new Option<string>("--scaling") { Description = "none, standard or robust, for every feature.", DefaultValueFactory = _ => "robust" };
        var forest = new Option<string[]>("--forest") { Description = "Isolation Forest parameter as name=value (n_estimators, max_samples, max_features, contamination, random_state).", AllowMultipleArgumentsPerToken = false };
        var promote = new Option<bool>("--promote") { Description = "Promote the candidate when the promotion policy accepts it." };
        var modelPath = ModelsCommand.ModelPathOption();
        var prometheus = new Option<string?>("--prometheus") { Description = "Prometheus URL (overrides the configuration)." };
        var command = new Command("train", "Train a candidate model for a job from Prometheus history, validate it, and write it to the model store.")
        {
            config, job, window, from, to, features, joinLabels, scaling, forest, promote, modelPath, prometheus,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Request(
                parse.GetValue(config)?.FullName,
                parse.GetValue(job)!,
                parse.GetValue(window),
                parse.GetValue(from),
                parse.GetValue(to),
                parse.GetValue(features) ?? [],
                parse.GetValue(joinLabels) ?? [],
                parse.GetValue(scaling)!,
                parse.GetValue(forest) ?? [],
                parse.GetValue(promote),
                parse.GetValue(modelPath),
                parse.GetValue(prometheus)),
            cancellationToken));
        return command;
    }

    private sealed record Request(
        string? ConfigPath, string Job, string? Window, DateTimeOffset? From, DateTimeOffset? To, string[] Features, string[] JoinLabels,
        string Scaling, string[] Forest, bool Promote, DirectoryInfo? ModelPath, string? Prometheus);

    private static async Task<int> RunAsync(Request request, CancellationToken cancellationToken)
    {
        var env = CliEnvironment.Variables();
        var configPath = request.ConfigPath ?? (env.TryGetValue("VIGIL_CONFIG", out var fromEnv) && !string.IsNullOrWhiteSpace(fromEnv) ? fromEnv : null);
        VigilOptions? options = null;
        if (configPath is not null)
        {
            try
            {
                options = new ConfigLoader(VigilDetectors.ForValidation()).Load(configPath, env);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return CliEnvironment.InvalidConfig;
            }
        }

        var errors = new List<string>();
        var jobOptions = options?.Jobs.FirstOrDefault(j => string.Equals(j.Name, request.Job, StringComparison.Ordinal));
        var spec = BuildSpec(request, jobOptions, errors);
        var (from, to) = Window(request, errors);
        var modelPath = ModelsCommand.ResolveModelPath(request.ModelPath) ?? options?.ModelPath;
        if (modelPath is null)
        {
            errors.Add("model path: pass --model-path, set MODEL_PATH or model_path in the configuration");
        }

        var prometheusUrl = options?.Prometheus?.BaseUrl;
        if (request.Prometheus is not null && !Uri.TryCreate(request.Prometheus, UriKind.Absolute, out prometheusUrl))
        {
            errors.Add($"--prometheus: '{request.Prometheus}' is not an absolute URL");
        }
        else if (prometheusUrl is null)
        {
            errors.Add("prometheus: pass --prometheus or configure prometheus.url");
        }

        if (errors.Count > 0 || spec is null)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return CliEnvironment.InvalidConfig;
        }

        // The service's own registrations: the same client (TLS, auth, retries) and the same model store.
        var prometheus = options?.Prometheus is { } configured ? configured with { BaseUrl = prometheusUrl! } : new PrometheusClientOptions { BaseUrl = prometheusUrl! };
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddPrometheusSource(prometheus).AddModelStorage(modelPath);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ModelStore>();
        var trainer = new Trainer(provider.GetRequiredService<IMetricSource>(), store, provider.GetRequiredService<TimeProvider>(), new TrainerOptions());

        TrainingResult result;
        try
        {
            result = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var fetch = ctx.AddTask("fetch history");
                    var fit = ctx.AddTask("fit and validate", autoStart: false);
                    var progress = new SpectreProgress(fetch, fit);
                    return await trainer.TrainAsync(spec, from, to, progress, cancellationToken);
                });
        }
        catch (Exception ex) when (ex is TrainingException or MetricSourceException or ModelFileException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return CliEnvironment.Failure;
        }

        Print(result);
        if (!request.Promote)
        {
            await Console.Out.WriteLineAsync($"Candidate written to {result.CandidatePath}; promote with: vigil models promote {spec.Name}");
            return CliEnvironment.Ok;
        }

        // The job's configured promotion thresholds, as the service's lifecycle applies them; defaults without a job.
        var decision = new PromotionPolicy(PromotionPolicyFor(jobOptions)).Decide(result.Validation);
        await Console.Out.WriteLineAsync(decision.ToString());
        if (decision.Promote)
        {
            store.Promote(spec.Name);
        }

        return CliEnvironment.Ok;
    }

    internal static PromotionPolicyOptions PromotionPolicyFor(JobOptions? job) => job?.Lifecycle?.Promotion ?? new PromotionPolicyOptions();

    private static TrainingSpec? BuildSpec(Request request, JobOptions? job, List<string> errors)
    {
        var kind = request.Scaling.ToLowerInvariant() switch
        {
            "none" => ScalingKind.None,
            "standard" => ScalingKind.Standard,
            "robust" => ScalingKind.Robust,
            _ => (ScalingKind?)null,
        };
        if (kind is null)
        {
            errors.Add($"--scaling: '{request.Scaling}' is not none, standard or robust");
        }

        var features = new List<FeatureQuery>();
        foreach (var text in request.Features)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add($"--feature: '{text}' must look like name=PromQL");
                continue;
            }

            features.Add(new FeatureQuery(text[..eq].Trim(), text[(eq + 1)..].Trim(), kind ?? ScalingKind.None));
        }

        if (features.Count == 0 && job?.Features is { } jobFeatures)
        {
            features.AddRange(jobFeatures);
        }
        else if (features.Count == 0 && job is not null && job.Query.Length > 0)
        {
            features.Add(new FeatureQuery(job.Name, job.Query, kind ?? ScalingKind.None));
        }

        if (features.Count == 0)
        {
            errors.Add($"--feature: none given and no job '{request.Job}' in the configuration to take a query from");
        }

        string[] joinLabels = request.JoinLabels.Length > 0 ? request.JoinLabels
            : job?.JoinLabels.Count > 0 ? [.. job.JoinLabels]
            : [.. job?.Labels?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>()];
        if (joinLabels.Length == 0)
        {
            errors.Add("--join-label: which labels identify an entity across queries (e.g. instance)?");
        }

        var forestParameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in request.Forest)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add($"--forest: '{text}' must look like name=value");
                continue;
            }

            forestParameters[text[..eq].Trim()] = text[(eq + 1)..].Trim();
        }

        var (forest, forestErrors) = IsolationForestOptionsParser.Parse(forestParameters);
        errors.AddRange(forestErrors.Select(e => "--forest " + e));
        var spec = new TrainingSpec
        {
            Name = request.Job,
            Features = features,
            JoinLabels = joinLabels,
            Step = job?.EffectiveStep ?? TimeSpan.FromMinutes(1),
            Forest = forest,
            Incidents = job?.Incidents ?? [],
        };
        var specErrors = spec.Validate();
        errors.AddRange(specErrors);
        return errors.Count == 0 ? spec : null;
    }

    private static (DateTimeOffset From, DateTimeOffset To) Window(Request request, List<string> errors)
    {
        if (request.From is { } from && request.To is { } to)
        {
            if (request.Window is not null)
            {
                errors.Add("--window: use either --window or --from/--to");
            }

            return (from, to);
        }

        if (request.From is not null || request.To is not null)
        {
            errors.Add("--from/--to: give both");
        }

        var window = TimeSpan.FromDays(14);
        if (request.Window is not null && !Duration.TryParse(request.Window, out window))
        {
            errors.Add($"--window: '{request.Window}' is not a duration like 14d or 12h");
        }

        var now = TimeProvider.System.GetUtcNow();
        return (now - window, now);
    }

    private static void Print(TrainingResult result)
    {
        var header = result.Candidate.Header;
        var table = new Table().Title($"Candidate {header.Name} {header.Version}").AddColumns("", "candidate", "active");
        var candidate = result.Validation.Candidate;
        var active = result.Validation.Active;
        table.AddRow("training rows", result.TrainingRows.ToString(CultureInfo.InvariantCulture), "");
        table.AddRow("held-out rows", candidate.Rows.ToString(CultureInfo.InvariantCulture), active?.Rows.ToString(CultureInfo.InvariantCulture) ?? "-");
        table.AddRow("anomaly rate", F(candidate.AnomalyRate, "0.####"), F(active?.AnomalyRate, "0.####"));
        table.AddRow("score p50 / p99", $"{F(candidate.ScoreP50, "0.###")} / {F(candidate.ScoreP99, "0.###")}", active is null ? "-" : $"{F(active.ScoreP50, "0.###")} / {F(active.ScoreP99, "0.###")}");
        table.AddRow("precision / recall / F1", $"{F(candidate.Precision, "0.###")} / {F(candidate.Recall, "0.###")} / {F(candidate.F1, "0.###")}", active is null ? "-" : $"{F(active.Precision, "0.###")} / {F(active.Recall, "0.###")} / {F(active.F1, "0.###")}");
        table.AddRow("skipped rows", Markup.Escape(result.Skipped.Count == 0 ? "none" : string.Join(", ", result.Skipped.Select(kv => $"{kv.Key}={kv.Value}"))), "");
        table.AddRow("duration", result.Duration.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture), "");
        AnsiConsole.Write(table);
        if (result.ActiveNotCompared is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"Active model not compared: {result.ActiveNotCompared}");
        }
    }

    private static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Maps trainer progress onto two Spectre progress bars.</summary>
    private sealed class SpectreProgress(ProgressTask fetch, ProgressTask fit) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Stage == TrainingStage.Fetching)
            {
                fetch.MaxValue = value.Total;
                fetch.Value = value.Completed;
                fetch.Description = $"fetch history ({Markup.Escape(value.Detail)})";
                return;
            }

            fetch.StopTask();
            fit.StartTask();
            fit.MaxValue = 3;
            fit.Value = value.Stage switch
            {
                TrainingStage.Fitting => value.Completed,
                TrainingStage.Validating => 1 + value.Completed,
                _ => 2 + value.Completed,
            };
            fit.Description = value.Stage.ToString().ToLowerInvariant();
        }
    }
}
