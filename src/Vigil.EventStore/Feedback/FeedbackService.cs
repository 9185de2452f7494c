using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Core.Detection;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.Jobs;

namespace Vigil.EventStore.Feedback;

/// <summary>
/// Operator feedback: persisted in the event store, then applied to the running job's matching series
/// (<see cref="ISeriesFeedback"/>, on the job's own loop at its next cycle) and, for <c>not_anomaly</c>, registered with
/// the episode tracker so an onset in the range is not announced again. At start-up every stored feedback is applied
/// again to the restored state; detectors treat a repeated application as a no-op (the contract of
/// <see cref="ISeriesFeedback"/>).
/// </summary>
public sealed class FeedbackService(IEventStore store, IReadOnlyList<JobRunner> runners, EpisodeTrackerSink? episodes, ILogger<FeedbackService> logger)
{
    /// <summary>Stores <paramref name="feedback"/> and applies it; returns the stored record and the jobs it reached.</summary>
    public async Task<(OperatorFeedback Stored, bool JobRunning)> AddAsync(OperatorFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var stored = await store.AddFeedbackAsync(feedback, cancellationToken).ConfigureAwait(false);
        return (stored, Apply(stored));
    }

    /// <summary>Applies stored feedback to the running job; false when no job of that name runs here.</summary>
    public bool Apply(OperatorFeedback feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var target = feedback.Target;
        var fromMs = feedback.From.ToUnixTimeMilliseconds();
        var toMs = feedback.To.ToUnixTimeMilliseconds();
        if (feedback.Kind == FeedbackKind.NotAnomaly)
        {
            episodes?.Suppress(target.Job, target.Matches, fromMs, toMs);
        }

        var running = false;
        foreach (var runner in runners)
        {
            if (string.Equals(runner.Name, target.Job, StringComparison.Ordinal))
            {
                runner.EnqueueFeedback(new SeriesFeedbackRequest(target.Matches, feedback.Kind, fromMs, toMs));
                running = true;
            }
        }

        if (!running)
        {
            LogMessages.FeedbackNotApplied(logger, feedback.Id, $"no running job named {target.Job}");
        }

        return running;
    }

    /// <summary>Applies every stored feedback again, oldest first (at start-up, to the restored state).</summary>
    public async Task<int> ReapplyAllAsync(CancellationToken cancellationToken)
    {
        var all = await store.ListFeedbackAsync(null, EventStoreLimits.MaxPageSize, cancellationToken).ConfigureAwait(false);
        for (var i = all.Count - 1; i >= 0; i--)
        {
            Apply(all[i]);
        }

        return all.Count;
    }
}

/// <summary>Re-applies stored feedback when the host starts (after the store's migration, before the first cycle).</summary>
internal sealed class FeedbackRestoreService(FeedbackService feedback) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => feedback.ReapplyAllAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
