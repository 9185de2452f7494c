using Vigil.Models.Lifecycle;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Lifecycle;

/// <summary>
/// The model lifecycles of the service's isolation_forest jobs with a <c>training:</c> section: ticks each (train when
/// due, conclude shadow periods, promote or discard) and exports their numbers. Training runs here, on the
/// lifecycle loop, never on a job's scoring cycle; a promotion swaps the live model handle, so scoring never pauses.
/// </summary>
public sealed class ModelLifecycles
{
    private readonly IReadOnlyDictionary<string, ModelLifecycle> _byJob;
    private readonly Dictionary<string, ModelLifecycleStats> _published = new(StringComparer.Ordinal);
    private readonly VigilMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ModelLifecycles(IReadOnlyDictionary<string, ModelLifecycle> byJob, VigilMetrics metrics, TimeProvider time, ILogger<ModelLifecycles> logger)
    {
        ArgumentNullException.ThrowIfNull(byJob);
        ArgumentNullException.ThrowIfNull(metrics);
        _byJob = byJob;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        foreach (var (job, lifecycle) in byJob)
        {
            Publish(job, lifecycle.Stats);
        }
    }

    /// <summary>How often the background loop ticks: due-ness is checked this often; training itself is rare.</summary>
    public static TimeSpan TickInterval { get; } = TimeSpan.FromSeconds(30);

    public IReadOnlyDictionary<string, ModelLifecycle> ByJob => _byJob;

    /// <summary>One tick of every lifecycle, one after the other (trainings are heavy; two at once only compete for cores).</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var (job, lifecycle) in _byJob)
        {
            LifecycleEvent? happened;
            try
            {
                happened = await lifecycle.TickAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // A bug or an unexpected I/O failure in one lifecycle must not stop the others nor scoring.
                _metrics.CountError(ErrorTypes.ModelTraining, job);
                _logger.LifecycleFailed(ex, job);
                continue;
            }

            if (happened is not null)
            {
                _logger.LifecycleEvent(job, happened.Kind.ToString(), happened.CandidateVersion ?? "-", happened.Decision?.ToString() ?? happened.Error ?? string.Empty);
            }

            Publish(job, lifecycle.Stats);
        }
    }

    private void Publish(string job, ModelLifecycleStats stats)
    {
        var before = _published.GetValueOrDefault(job) ?? new ModelLifecycleStats();
        if (stats.ActiveCreatedAt is { } created)
        {
            _metrics.ModelAge.WithLabels(job).Set(Math.Max(0, (_time.GetUtcNow() - created).TotalSeconds));
        }

        if (stats.LastTrainingDuration is { } duration)
        {
            _metrics.ModelTrainingDuration.WithLabels(job).Set(duration.TotalSeconds);
        }

        // The lifecycle keeps totals; counters only move forward, by the difference since the last publication.
        _metrics.ModelTrainings.WithLabels(job).Inc(stats.Trainings - before.Trainings);
        _metrics.ModelTrainingFailures.WithLabels(job).Inc(stats.TrainingFailures - before.TrainingFailures);
        _metrics.ModelPromotions.WithLabels(job).Inc(stats.Promotions - before.Promotions);
        _metrics.ModelDiscards.WithLabels(job).Inc(stats.Discards - before.Discards);
        _metrics.ModelRollbacks.WithLabels(job).Inc(stats.Rollbacks - before.Rollbacks);
        _metrics.ModelShadowing.WithLabels(job).Set(stats.Shadowing ? 1 : 0);
        _published[job] = stats;
    }
}

/// <summary>The lifecycles as scheduled work: one tick of every lifecycle per <see cref="ModelLifecycles.TickInterval"/>.</summary>
public sealed class ModelLifecycleService(ModelLifecycles lifecycles) : IScheduledWork
{
    public string Name => "model-lifecycle";

    public TimeSpan Interval => ModelLifecycles.TickInterval;

    public Task RunAsync(CancellationToken cancellationToken) => lifecycles.TickAsync(cancellationToken);
}
