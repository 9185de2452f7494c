using System.Diagnostics;
using System.Globalization;
using Vigil.Alerting;
using Vigil.Core.Tracing;
using Vigil.EventStore;
using Vigil.Inspection.Sensors;
using Vigil.Inspection.Tracing;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection;

/// <summary>
/// One inspection round: every enabled sensor concurrently, each under its own timeout (host clock); a sensor that
/// throws or hangs is recorded in the report's errors and counted (<c>vigil_inspection_sensor_errors_total{sensor}</c>,
/// <c>vigil_errors_total{error_type="inspection_sensor"}</c>) while the others finish. Findings are published through
/// <see cref="IAlertPublisher"/> with <see cref="AlertEvent.Shadow"/> = <c>inspection.shadow_mode</c>; then the
/// background baseline retraining is started (never awaited), and the report is cached and stored.
/// Rounds never overlap: the scheduler never runs one work item twice at once, and a call made while a round runs
/// (a test, a second caller) is refused rather than run alongside.
/// </summary>
internal sealed class Inspector(
    IEnumerable<IInspectionSensor> sensors,
    IAlertPublisher publisher,
    IEventStore store,
    InspectionOptions options,
    InspectionMetrics inspectionMetrics,
    VigilMetrics metrics,
    InspectionClocks clocks,
    ILogger<Inspector> logger,
    BaselineRetrainer? retrainer = null)
{
    private readonly IInspectionSensor[] _sensors = [.. sensors];
    private int _running;
    private InspectionRoundReport? _latest;

    /// <summary>The last finished round's report, cached for the API and other components; null before the first.</summary>
    public InspectionRoundReport? Latest => Volatile.Read(ref _latest);

    public IReadOnlyList<IInspectionSensor> Sensors => _sensors;

    /// <summary>Raised after each round's report is cached and stored: a signal for tests and later in-process readers.</summary>
    internal event Action<InspectionRoundReport>? RoundFinished;

    public async Task<InspectionRoundReport> RunRoundAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("An inspection round is already running: rounds never overlap.");
        }

        var began = clocks.Host.GetTimestamp();
        using var activity = InspectionTracing.Source.StartActivity(InspectionTracing.Round);
        try
        {
            var report = await RunCoreAsync(activity, cancellationToken).ConfigureAwait(false);
            inspectionMetrics.Rounds.WithLabels(report.Errors.Count == 0 ? "ok" : "sensor_errors").Inc();
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("vigil.inspection.alerts", report.Alerts.Count);
                activity.SetTag("vigil.inspection.errors", report.Errors.Count);
            }

            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Traced.Fail(activity, ex.GetType().Name, ex.Message);
            inspectionMetrics.Rounds.WithLabels("failed").Inc();
            throw;
        }
        finally
        {
            inspectionMetrics.RoundDuration.Unlabelled.Observe(clocks.Host.GetElapsedTime(began).TotalSeconds);
            inspectionMetrics.LastRound.Unlabelled.Set(clocks.Host.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<InspectionRoundReport> RunCoreAsync(Activity? activity, CancellationToken cancellationToken)
    {
        var startedAt = clocks.Data.GetUtcNow();
        var context = new InspectionContext(
            string.Create(CultureInfo.InvariantCulture, $"{startedAt:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..25],
            startedAt,
            options.ShadowMode);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("vigil.inspection.round_id", context.RoundId);
            activity.SetTag("vigil.inspection.shadow", context.Shadow);
        }
        inspectionMetrics.ShadowMode.Unlabelled.Set(options.ShadowMode ? 1 : 0);

        var runs = _sensors.Select(s => s.Enabled ? RunSensorAsync(s, context, cancellationToken) : Task.FromResult((s.Name, Disabled(), (SensorResult?)null))).ToArray();
        var outcomes = await Task.WhenAll(runs).ConfigureAwait(false);

        var summaries = new Dictionary<string, SensorSummary>(StringComparer.Ordinal);
        var errors = new List<string>();
        var findings = new List<Finding>();
        foreach (var (name, summary, result) in outcomes)
        {
            summaries[name] = summary;
            errors.AddRange(summary.Errors);
            if (result is not null)
            {
                findings.AddRange(result.Findings);
            }
        }

        var alerts = new List<RaisedAlert>(findings.Count);
        foreach (var finding in findings)
        {
            alerts.Add(await PublishAsync(finding, context, cancellationToken).ConfigureAwait(false));
        }

        if (options.Baseline.Enabled && options.Baseline.Retrain && retrainer is not null)
        {
            // Not awaited: retraining runs beside the next rounds, one at a time (a busy one makes this a counted skip).
            retrainer.TryStart(startedAt);
        }

        var report = new InspectionRoundReport
        {
            RoundId = context.RoundId,
            StartedAt = startedAt,
            FinishedAt = clocks.Data.GetUtcNow(),
            Shadow = options.ShadowMode,
            Sensors = summaries,
            Alerts = alerts,
            Errors = errors,
        };
        Volatile.Write(ref _latest, report);
        await StoreAsync(report, cancellationToken).ConfigureAwait(false);
        logger.RoundFinished(report.RoundId, alerts.Count, errors.Count, report.Shadow);
        RoundFinished?.Invoke(report);
        return report;
    }

    private async Task<(string Name, SensorSummary Summary, SensorResult? Result)> RunSensorAsync(IInspectionSensor sensor, InspectionContext context, CancellationToken cancellationToken)
    {
        var began = clocks.Host.GetTimestamp();
        // Current while the sensor runs (Task.Run carries it), so the sensor's own queries are its children.
        using var activity = InspectionTracing.Source.StartActivity(InspectionTracing.Sensor);
        activity?.SetTag("vigil.inspection.sensor", sensor.Name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Task.Run isolates a sensor that blocks synchronously; WaitAsync abandons one that ignores its token.
        var task = Task.Run(() => sensor.InspectAsync(context, timeout.Token), CancellationToken.None);
        try
        {
            var result = await task.WaitAsync(sensor.Timeout, clocks.Host, cancellationToken).ConfigureAwait(false);
            foreach (var error in result.Errors)
            {
                logger.SensorReported(sensor.Name, error);
            }

            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("vigil.inspection.inspected", result.Inspected);
                activity.SetTag("vigil.inspection.findings", result.Findings.Count);
            }

            return (sensor.Name, new SensorSummary(SensorStatus.Ok, result.Inspected, result.Findings.Count, clocks.Host.GetElapsedTime(began), result.Errors), result);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            var message = string.Create(CultureInfo.InvariantCulture, $"{sensor.Name}: timed out after {sensor.Timeout.TotalSeconds:0.###} s");
            Traced.Fail(activity, ErrorTypes.InspectionSensor, message);
            return (sensor.Name, Failed(sensor, SensorStatus.Timeout, message, context, null, began), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var message = $"{sensor.Name}: {ex.GetType().Name}: {ex.Message}";
            Traced.Fail(activity, ErrorTypes.InspectionSensor, message);
            return (sensor.Name, Failed(sensor, SensorStatus.Error, message, context, ex, began), null);
        }
    }

    private SensorSummary Failed(IInspectionSensor sensor, SensorStatus status, string message, InspectionContext context, Exception? ex, long began)
    {
        inspectionMetrics.SensorErrors.WithLabels(sensor.Name).Inc();
        metrics.CountError(ErrorTypes.InspectionSensor);
        logger.SensorFailed(sensor.Name, context.RoundId, message, ex);
        return new SensorSummary(status, 0, 0, clocks.Host.GetElapsedTime(began), [message]);
    }

    private async Task<RaisedAlert> PublishAsync(Finding finding, InspectionContext context, CancellationToken cancellationToken)
    {
        var alert = new AlertEvent
        {
            Source = "inspection",
            Sensor = finding.Sensor,
            Name = finding.AlertName,
            Severity = finding.Severity,
            Labels = finding.Labels,
            Summary = finding.Summary,
            Description = finding.Description,
            Value = finding.Value,
            StartsAt = context.Now,
            GeneratorPath = "/api/v1/inspections/latest",
            Shadow = context.Shadow,
        };
        inspectionMetrics.Alerts.WithLabels(finding.Sensor, finding.Severity.ToString().ToLowerInvariant()).Inc();
        using var activity = InspectionTracing.Source.StartActivity(InspectionTracing.Notify);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("vigil.inspection.sensor", finding.Sensor);
            activity.SetTag("vigil.alert.name", alert.Name);
            activity.SetTag("vigil.alert.shadow", alert.Shadow);
        }

        try
        {
            var outcome = await publisher.PublishAsync(alert, cancellationToken).ConfigureAwait(false);
            var raised = new RaisedAlert(finding, InspectionRoundReport.OutcomeName(outcome), alert.DedupKey);
            activity?.SetTag("vigil.alert.outcome", raised.Outcome);
            return raised;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            Traced.Fail(activity, ErrorTypes.AlertDelivery, ex.Message);
            // IAlertPublisher promises not to throw for receiver or dedup failures; anything else is a bug worth seeing.
            metrics.CountError(ErrorTypes.AlertDelivery);
            logger.PublishFailed(alert.Name, alert.DedupKey, ex);
            return new RaisedAlert(finding, "failed", alert.DedupKey);
        }
    }

    private async Task StoreAsync(InspectionRoundReport report, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveInspectionReportAsync(
                new InspectionReport { RoundId = report.RoundId, StartedAt = report.StartedAt, FinishedAt = report.FinishedAt, Body = report.ToJson(), Errors = report.Errors },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            metrics.CountError(ErrorTypes.InspectionReport);
            logger.ReportNotStored(report.RoundId, ex);
        }
    }

    private static SensorSummary Disabled() => new(SensorStatus.Disabled, 0, 0, TimeSpan.Zero, []);
}

/// <summary>
/// The two clocks of inspection: <see cref="Data"/> says what "now" is for queries and reports (the replay's accelerated
/// clock in the demo), <see cref="Host"/> measures timeouts and durations in real time.
/// </summary>
internal sealed record InspectionClocks(TimeProvider Host, TimeProvider Data);
