using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Backtesting;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Features;
using Vigil.Core.Sources;
using Vigil.Export.RemoteWrite;
using Vigil.Exposition;
using Vigil.Hosting;
using Vigil.Models.Store;
using Vigil.Pipeline;
using Vigil.Pipeline.Jobs;
using Vigil.Prometheus;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Cli;

/// <summary>
/// <c>vigil backtest</c>: replays history through a detector exactly as live and reports anomalies, alerts per day
/// and, with labelled windows, precision, recall, F1 and the NAB score.
/// </summary>
internal static class BacktestCommand
{
    private const int Ok = CliEnvironment.Ok;
    private const int Failure = CliEnvironment.Failure;
    private const int Usage = CliEnvironment.InvalidConfig;

    public static Command Create()
    {
        var csv = new Option<FileInfo?>("--csv") { Description = "Backtest one timestamp,value CSV instead of a configured job." };
        var config = new Option<FileInfo?>("--config", "-c") { Description = "Vigil configuration (YAML) holding the job to replay from Prometheus." };
        var job = new Option<string?>("--job") { Description = "Name of the job in --config whose query and detector are replayed." };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the replayed range (ISO-8601; with --config)." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the replayed range (ISO-8601; with --config)." };
        var chunk = new Option<TimeSpan>("--chunk") { Description = "Range read per Prometheus query (e.g. 06:00:00).", DefaultValueFactory = _ => TimeSpan.FromHours(6) };
        var detector = new Option<string?>("--detector", "-d") { Description = "Detector type for --csv (default auto; with --config the job's detector is used)." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "Detector parameter as name=value, repeatable (with --csv)." };
        var labels = new Option<FileInfo?>("--labels") { Description = "Labelled incident windows (JSON: [[start, end], ...] or {series: [[start, end], ...]})." };
        var limit = new Option<int>("--show") { Description = "Anomalies listed per series.", DefaultValueFactory = _ => 20 };
        var remoteWrite = new Option<string?>("--remote-write") { Description = "Write the scores (vigil_anomaly_score, expected value and band) at their original timestamps to this remote-write URL, e.g. http://prometheus:9090/api/v1/write: history for dashboards (job ranges only)." };
        var command = new Command("backtest", "Replay history through a detector, causally and exactly as live, and report what it would have alerted on.")
        {
            csv, config, job, from, to, chunk, detector, parameters, labels, limit, remoteWrite,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IncidentWindows? windows = null;
            if (parse.GetValue(labels) is { } labelsFile)
            {
                try
                {
                    windows = IncidentWindows.Load(labelsFile.FullName);
                }
                catch (Exception ex) when (ex is IOException or FormatException or System.Text.Json.JsonException)
                {
                    Console.Error.WriteLine($"--labels: {labelsFile.FullName}: {ex.Message}");
                    return Usage;
                }
            }

            if (parse.GetValue(csv) is { } csvFile)
            {
                return RunCsv(csvFile, parse.GetValue(detector) ?? "auto", parse.GetValue(parameters) ?? [], windows, parse.GetValue(limit));
            }

            if (parse.GetValue(config) is null || parse.GetValue(job) is null || parse.GetValue(from) is null || parse.GetValue(to) is null)
            {
                Console.Error.WriteLine("backtest: give --csv FILE, or --config FILE --job NAME --from TIME --to TIME");
                return Usage;
            }

            return await RunJobAsync(
                parse.GetValue(config)!, parse.GetValue(job)!, parse.GetValue(from)!.Value, parse.GetValue(to)!.Value, parse.GetValue(chunk), windows, parse.GetValue(limit), parse.GetValue(remoteWrite), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunJobAsync(FileInfo config, string jobName, DateTimeOffset from, DateTimeOffset to, TimeSpan chunk, IncidentWindows? windows, int limit, string? remoteWriteUrl, CancellationToken cancellationToken)
    {
        RemoteWriteOptions? remoteWrite = null;
        if (remoteWriteUrl is not null)
        {
            var invalid = Uri.TryCreate(remoteWriteUrl, UriKind.Absolute, out var url)
                // Five attempts (7.5 s of back-off) per request: a backfill that cannot write should say so soon.
                ? (remoteWrite = new RemoteWriteOptions { Url = url, MaxAttempts = 5 }).Validate()
                : [$"--remote-write: '{remoteWriteUrl}' is not an absolute URL"];
            if (invalid.Count > 0)
            {
                Console.Error.WriteLine(string.Join(Environment.NewLine, invalid));
                return Usage;
            }
        }

        var (options, errors) = new ConfigLoader(VigilDetectors.ForValidation()).TryLoad(config.FullName, CliEnvironment.Variables());
        if (errors.Count > 0 || options is null)
        {
            Console.Error.WriteLine($"{config.FullName}: {errors.Count} error(s)");
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"  {error}");
            }

            return Usage;
        }

        var job = options.Jobs.FirstOrDefault(j => string.Equals(j.Name, jobName, StringComparison.Ordinal));
        if (job is null)
        {
            Console.Error.WriteLine($"--job: no job '{jobName}' in {config.FullName} (jobs: {string.Join(", ", options.Jobs.Select(j => j.Name))})");
            return Usage;
        }

        if (to < from)
        {
            Console.Error.WriteLine("--to: must not be before --from");
            return Usage;
        }

        if (chunk < job.EffectiveStep)
        {
            Console.Error.WriteLine($"--chunk: must be at least the job's step ({Duration.Format(job.EffectiveStep)})");
            return Usage;
        }

        await using var services = CreateSource(options, job, out var source, out var sourceError);
        if (source is null)
        {
            Console.Error.WriteLine(sourceError);
            return Usage;
        }

        IDetector detector;
        IJobInput input;
        var skipped = new VigilMetrics(new MetricRegistry()).FeatureRowsSkipped;
        try
        {
            // The live job's detector and input: a single query, or feature queries joined on labels (multivariate).
            detector = VigilDetectors.ForModelPath(options.ModelPath).Create(job.Detector);
            input = JobInputs.Create(
                job,
                source,
                () => new ModelStore(new ModelStoreOptions { Directory = options.ModelPath ?? throw new InvalidOperationException($"job {job.Name}: lists no queries and no model_path is set to read them from") }),
                skipped);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or InvalidDataException)
        {
            // A missing or corrupt model: the message names the file and why.
            Console.Error.WriteLine(ex.Message);
            return Usage;
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var backfill = remoteWrite is null ? null : new RemoteWriteBackfill(http, remoteWrite, job.Name, job.Detector.Type, TimeProvider.System);
        var backtester = new Backtester(detector)
        {
            OnChunkScored = backfill is null ? null : (verdicts, ct) => backfill.WriteAsync(verdicts.Select(v => (v.Series, v.TimestampMs, v.Value, v.Verdict)), ct),
        };
        IReadOnlyList<SeriesBacktest> results;
        try
        {
            results = await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask($"replaying {job.Name} ({Duration.Format(job.EffectiveStep)} steps)", maxValue: 1.0);
                return await backtester.RunAsync(
                    input.FetchAsync, from, to, job.EffectiveStep, chunk, windows, new TaskProgress(task), input.FeatureCount > 1 ? null : job.Labels, cancellationToken);
            });
        }
        catch (MetricSourceException ex)
        {
            Console.Error.WriteLine($"backtest: {ex.ErrorType}: {ex.Message}");
            return Failure;
        }

        foreach (var result in results)
        {
            Print(result, job.Detector.Type, limit);
        }

        AnsiConsole.MarkupLineInterpolated($"[bold]{results.Count}[/] series, {results.Sum(r => r.Anomalies.Count)} anomalies in total");
        if (backfill is not null)
        {
            var m = backfill.Metrics;
            AnsiConsole.MarkupLineInterpolated($"remote-write to {remoteWrite!.Url}: {m.Sent:F0} samples written, {m.Failed:F0} failed");
            if (m.Failed > 0)
            {
                Console.Error.WriteLine($"remote-write: {m.Failed:F0} samples were not written, and later chunks were not sent ({backfill.LastError}); the history is incomplete");
                return Failure;
            }
        }

        if (input is JoinedQueryInput)
        {
            // As live, rows with a missing or non-finite feature were not scored: say how many and why.
            var reasons = SkipReasons.All.Select(r => (Reason: r, Count: skipped.WithLabels(job.Name, r).Value)).Where(r => r.Count > 0).ToList();
            AnsiConsole.MarkupLineInterpolated($"feature rows skipped (never filled in): {(reasons.Count == 0 ? "none" : string.Join(", ", reasons.Select(r => $"{r.Reason} {r.Count}")))}");
        }

        return Ok;
    }

    /// <summary>The job's source, built as the host builds it (TLS and auth options honoured), owned by the returned provider.</summary>
    private static ServiceProvider CreateSource(VigilOptions options, JobOptions job, out IMetricSource? source, out string? error)
    {
        var services = new ServiceCollection().AddLogging();
        error = null;
        if (job.Source == JobSource.Replay)
        {
            services.AddReplaySource(options.Replay);
            var provider = services.BuildServiceProvider();
            source = provider.GetRequiredService<ReplaySource>();
            return provider;
        }

        if (options.Prometheus is null)
        {
            error = $"job {job.Name}: reads Prometheus but the configuration has no prometheus section";
            source = null;
            return services.BuildServiceProvider();
        }

        services.AddPrometheusSource(options.Prometheus);
        var built = services.BuildServiceProvider();
        source = built.GetRequiredService<PrometheusClient>();
        return built;
    }

    /// <summary>Sets the bar synchronously (System.Progress would post to a context the console does not have).</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = value;
    }

    private static int RunCsv(FileInfo file, string type, string[] parameterTexts, IncidentWindows? windows, int limit)
    {
        if (DetectorArguments.TryCreate(DetectorRegistry.CreateDefault(), type, parameterTexts) is not { } detector)
        {
            return Usage;
        }

        TimeSeriesData data;
        try
        {
            data = TimeSeriesCsv.Read(file.FullName);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            Console.Error.WriteLine($"{file.FullName}: {ex.Message}");
            return Failure;
        }

        Print(new Backtester(detector).Run(data, windows), type, limit);
        if (data.Skipped.Count > 0)
        {
            // Out-of-order, duplicate and unparseable rows are dropped as Prometheus drops such samples; say which.
            AnsiConsole.MarkupLineInterpolated($"[yellow]{SkippedRow.Summarise(data.Skipped)}[/]");
        }

        return Ok;
    }

    internal static void Print(SeriesBacktest result, string type, int limit)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{result.Series}[/] ({type}): {result.Points} points over {Duration.Format(TimeSpan.FromSeconds(Math.Round(result.Span.TotalSeconds)))}, {result.Scored} scored, {result.Warmup} warm-up, {result.Invalid} invalid; [bold]{result.Anomalies.Count}[/] anomalies, {result.AlertsPerDay:F2} per day");
        if (result.Anomalies.Count > 0 && limit > 0)
        {
            var table = new Table().AddColumns("time (UTC)", result.Anomalies[0].Features is null ? "value" : "features", "expected", "band", "score");
            foreach (var a in result.Anomalies.Take(limit))
            {
                table.AddRow(
                    a.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    a.Features is { } features ? Markup.Escape($"[{string.Join(", ", features.Select(Format))}]") : Format(a.Value),
                    Format(a.Expected),
                    Markup.Escape($"[{Format(a.Lower)}, {Format(a.Upper)}]"),
                    a.Score.ToString("F2", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            if (result.Anomalies.Count > limit)
            {
                AnsiConsole.MarkupLineInterpolated($"… {result.Anomalies.Count - limit} more (use --show)");
            }
        }

        if (result.Metrics is { } m)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"labels: {m.WindowsDetected}/{m.Windows} windows detected; precision {m.Precision:F3}, recall {m.Recall:F3}, F1 {m.F1:F3}, NAB standard {m.NabStandard:F1}");
        }
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
