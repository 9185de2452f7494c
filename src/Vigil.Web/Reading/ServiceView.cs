using Microsoft.Extensions.Logging;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.EventStore;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Web.Reading;

/// <summary>One detection job as the overview shows it.</summary>
public sealed record JobSummary(
    string Name,
    string Query,
    string Detector,
    string Interval,
    bool Ready,
    string State,
    long Cycles,
    long SuccessfulCycles,
    int ConsecutiveFailures,
    int SeriesCount,
    int WarmingSeries,
    int AnomalousNow,
    DateTimeOffset? LastPoint);

/// <summary>The latest verdict of one series of a job.</summary>
public sealed record SeriesRow(Labels Labels, double Score, double Expected, double Lower, double Upper, VerdictKind Kind, DateTimeOffset At)
{
    public bool Anomalous => Kind == VerdictKind.Scored && Score > 1.0;
}

/// <summary>A query's answer, or why it could not be read (the page shows the reason instead of failing).</summary>
public sealed record Read<T>(T? Value, string? Error);

/// <summary>
/// Reads the running service for the overview, job and series pages: the job runners, the latest verdicts
/// (<see cref="ScoreStore"/>, what <c>/metrics</c> exports) and the event store's episodes and feedback.
/// </summary>
internal sealed class ServiceView(IReadOnlyList<JobRunner> runners, ScoreStore scores, IEventStore events, VigilMetrics metrics, ILogger<ServiceView> logger)
{
    public const int RecentEpisodes = 15;

    public IReadOnlyList<JobRunner> Runners => runners;

    public JobRunner? Runner(string job) => runners.FirstOrDefault(r => string.Equals(r.Name, job, StringComparison.Ordinal));

    public IReadOnlyList<JobSummary> Jobs()
    {
        var byJob = scores.Entries.GroupBy(e => e.Job, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return [.. runners.Select(r =>
        {
            var entries = byJob.GetValueOrDefault(r.Name) ?? [];
            var anomalous = 0;
            long last = 0;
            foreach (var entry in entries)
            {
                if (entry.TryRead(out var verdict))
                {
                    anomalous += verdict.IsAnomaly ? 1 : 0;
                    last = Math.Max(last, entry.TimestampMs);
                }
            }

            var (ready, state) = r.Readiness;
            return new JobSummary(r.Name, r.Options.Query, r.Detector.Type, Duration.Format(r.Options.Interval), ready, state, r.CompletedCycles, r.SuccessfulCycles,
                r.ConsecutiveFailures, r.SeriesCount, r.WarmingSeries, anomalous, last == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(last));
        })];
    }

    /// <summary>The job's series with a scored verdict, most anomalous first.</summary>
    public IReadOnlyList<SeriesRow> Series(string job)
    {
        var rows = new List<SeriesRow>();
        foreach (var entry in scores.Entries)
        {
            if (string.Equals(entry.Job, job, StringComparison.Ordinal) && entry.TryRead(out var v))
            {
                rows.Add(new SeriesRow(entry.SeriesLabels, v.Score, v.Expected, v.Lower, v.Upper, v.Kind, DateTimeOffset.FromUnixTimeMilliseconds(entry.TimestampMs)));
            }
        }

        rows.Sort((a, b) => b.Score.CompareTo(a.Score));
        return rows;
    }

    public Task<Read<IReadOnlyList<AnomalyEpisode>>> EpisodesAsync(string? job, Labels? series, int limit, CancellationToken cancellationToken)
        => ReadAsync("episodes", async ct => (await events.QueryEpisodesAsync(new EpisodeQuery { Job = job, Series = series, Limit = limit }, ct).ConfigureAwait(false)).Items, cancellationToken);

    public Task<Read<IReadOnlyList<OperatorFeedback>>> FeedbackAsync(string job, Labels series, CancellationToken cancellationToken)
        => ReadAsync("feedback", async ct => (await events.ListFeedbackAsync(job, EventStoreLimits.MaxPageSize, ct).ConfigureAwait(false)).Where(f => f.Target.Matches(series)).Take(20).ToList() as IReadOnlyList<OperatorFeedback>, cancellationToken);

    /// <summary>An unavailable store is Vigil's failure: counted as <c>event_store</c>, logged, and shown on the page.</summary>
    private async Task<Read<T>> ReadAsync<T>(string what, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return new Read<T>(await read(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.CountError(ErrorTypes.EventStore);
            logger.ReadFailed("event store", what, ex.Message);
            return new Read<T>(default, $"The event store could not be read ({ex.GetType().Name}); see the service log.");
        }
    }
}
