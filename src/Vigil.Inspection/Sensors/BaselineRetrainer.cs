using Vigil.Core.Sources;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Sensors;

/// <summary>What <see cref="BaselineRetrainer.TryStart"/> did.</summary>
public enum RetrainStart
{
    Started,

    /// <summary>The previous retraining is still running: this round's is skipped (and counted), never queued.</summary>
    SkippedBusy,
}

/// <summary>
/// Retrains every monitored series' baseline from its full history (<see cref="BaselineModels.History"/>) after a
/// round, off the round's path: the streaming state only saw the points since the process started (or since the series
/// appeared), so relearning from the window Prometheus holds keeps a baseline from staying thin after a restart, a new
/// series or missed rounds. One retraining at a time: a round that finds the previous one running skips its own.
/// </summary>
internal sealed class BaselineRetrainer(IMetricSource source, InspectionOptions options, BaselineModels models, InspectionMetrics inspectionMetrics, VigilMetrics metrics, ILogger<BaselineRetrainer> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The retraining in flight (completed when none): tests and shutdown wait on it.</summary>
    public Task Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Starts a retraining over history ending at <paramref name="end"/> unless one is running; never blocks.</summary>
    public RetrainStart TryStart(DateTimeOffset end)
    {
        lock (_gate)
        {
            if (!_running.IsCompleted)
            {
                inspectionMetrics.Retrains.WithLabels("skipped").Inc();
                logger.RetrainSkipped();
                return RetrainStart.SkippedBusy;
            }

            inspectionMetrics.Retrains.WithLabels("started").Inc();
            // Task.Run: the round must not wait for the first await of a slow query or a CPU-bound training.
            // Its own token, not the round's: the round ends (and its token source is disposed) long before this does.
            var stopping = _stopping.Token;
            _running = Task.Run(() => RetrainAsync(end, stopping), CancellationToken.None);
            return RetrainStart.Started;
        }
    }

    /// <summary>At shutdown: cancels a retraining in flight and waits for it to unwind (it ends as <c>cancelled</c>).</summary>
    public async Task StopAsync()
    {
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The container disposed this singleton before the scheduler's loop stopped the inspection (shutdown order
            // is not ours to choose): Dispose cancelled the retraining already, so only the wait is left.
        }

        await Running.ConfigureAwait(false);
    }

    public void Dispose()
    {
        // Cancel before disposing, so a retraining still running unwinds as cancelled whoever stops first.
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return; // disposed twice
        }

        _stopping.Dispose();
    }

    private async Task RetrainAsync(DateTimeOffset end, CancellationToken cancellationToken)
    {
        var aligned = TrendSensor.AlignDown(end, models.Step);
        var failed = false;
        foreach (var metric in options.Monitored)
        {
            try
            {
                var batch = await source.QueryRangeAsync(metric.Promql, aligned - models.History, aligned, models.Step, cancellationToken).ConfigureAwait(false);
                for (var s = 0; s < batch.SeriesCount; s++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    models.Replace(metric.Name, batch.GetLabels(s), models.Train(batch.GetTimestamps(s), batch.GetValues(s)));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                inspectionMetrics.Retrains.WithLabels("cancelled").Inc();
                return;
            }
            catch (MetricSourceException ex)
            {
                failed = true;
                metrics.CountError(ex.ErrorType);
                logger.RetrainFailed(metric.Name, ex);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failed = true;
                metrics.CountError(ErrorTypes.InspectionSensor);
                logger.RetrainFailed(metric.Name, ex);
            }
        }

        inspectionMetrics.Retrains.WithLabels(failed ? "failed" : "completed").Inc();
    }
}
