using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Pipeline.Telemetry;
using PipelineEpisode = Vigil.Pipeline.Episodes.AnomalyEpisode;

namespace Vigil.EventStore.Episodes;

/// <summary>Bounds of the episode write-behind queue. Defaults live here only.</summary>
public sealed record EpisodePersistenceOptions
{
    /// <summary>Episode events waiting to be written. Beyond it the oldest is dropped and counted: a store outage must not grow memory without bound. Default 10,000.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Attempts per event before it is dropped. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the first retry; doubles per attempt. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// The episode sink that persists episodes. <see cref="Pipeline.Episodes.IEpisodeSink.OnEpisode"/> runs on a job's
/// scoring loop, so it only enqueues (never blocks, never throws on a full queue); <see cref="DrainAsync"/> writes on
/// the persistence service's own loop. Open, close and every later state of one episode share its identity (source,
/// job, series, detector, start), so a close overwrites its onset row.
/// </summary>
public sealed class EpisodePersister : Pipeline.Episodes.IEpisodeSink
{
    private readonly Channel<PipelineEpisode> _queue;
    private readonly IEventStore _store;
    private readonly VigilMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly EpisodePersistenceOptions _options;
    private readonly ILogger<EpisodePersister> _logger;
    private long _dropped;

    public EpisodePersister(IEventStore store, VigilMetrics metrics, TimeProvider time, EpisodePersistenceOptions options, ILogger<EpisodePersister> logger)
    {
        _store = store;
        _metrics = metrics;
        _time = time;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<PipelineEpisode>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => { Interlocked.Increment(ref _dropped); metrics.CountError(ErrorTypes.EventStore); });
    }

    /// <summary>Events dropped because the queue was full or every attempt failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting to be written.</summary>
    public int Pending => _queue.Reader.Count;

    public void OnEpisode(PipelineEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Model == Pipeline.Verdicts.ModelRole.Candidate)
        {
            return;
        }

        _queue.Writer.TryWrite(episode);
    }

    /// <summary>Stops accepting events; <see cref="RunAsync"/> ends once the queue is written out.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Writes queued events until the queue is completed or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancellation is how the loop ends when the host is disposed without a graceful stop; the host treats an
            // escaping cancellation as a failed background service (and logs it as critical), which this is not.
        }
    }

    /// <summary>Writes every event queued now, in order; returns how many were stored.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var stored = 0;
        while (_queue.Reader.TryRead(out var episode))
        {
            if (await WriteAsync(episode, cancellationToken).ConfigureAwait(false))
            {
                stored++;
            }
        }

        return stored;
    }

    private async Task<bool> WriteAsync(PipelineEpisode episode, CancellationToken cancellationToken)
    {
        var record = ToRecord(episode);
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.RecordEpisodeAsync(record, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _metrics.CountError(ErrorTypes.EventStore);
                if (attempt >= _options.MaxAttempts || ex is ArgumentException)
                {
                    // Invalid data never succeeds on retry; a store down for several attempts is reported and the
                    // event dropped, so an outage costs those events and not the process's memory.
                    Interlocked.Increment(ref _dropped);
                    LogMessages.EpisodeDropped(_logger, ex, episode.Source, episode.Labels.ToString(), attempt);
                    return false;
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }

    /// <summary>Maps a pipeline episode event onto the store's record (business metrics are source <c>business</c>).</summary>
    public static AnomalyEpisode ToRecord(PipelineEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var e = episode.Episode;
        var business = episode.Source == BusinessSource;
        return new AnomalyEpisode
        {
            Source = business ? "business" : "prometheus",
            Job = episode.Source,
            Series = episode.Labels,
            Detector = episode.Detector,
            Start = DateTimeOffset.FromUnixTimeMilliseconds(e.StartMs),
            End = episode.Kind == Pipeline.Episodes.EpisodeEventKind.Closed ? DateTimeOffset.FromUnixTimeMilliseconds(e.EndMs) : null,
            PeakAt = DateTimeOffset.FromUnixTimeMilliseconds(e.PeakMs),
            PeakScore = Finite(e.PeakScore),
            PeakValue = Finite(e.PeakValue),
            PeakExpected = Finite(e.PeakExpected),
            Test = e.PeakTest,
            AnomalousPoints = e.AnomalousPoints,
            Context = JsonSerializer.Serialize(new EpisodeContext(episode.Model.ToString().ToLowerInvariant(), e.EndMs)),
        };
    }

    /// <summary>The source name business metrics publish under (see <c>Vigil.Postgres</c>).</summary>
    public const string BusinessSource = "business_metrics";

    // NaN cannot be stored as a REAL in every back end nor written as JSON; 0 is as close to "no value" as the schema allows.
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private sealed record EpisodeContext(string Model, long LastAnomalousMs);
}

/// <summary>The thin loop that runs <see cref="EpisodePersister"/> off the scoring path and writes out its queue on stop.</summary>
internal sealed class EpisodePersistenceService(EpisodePersister persister) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => persister.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        persister.Complete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // What the loop had not reached yet is written now, within the host's shutdown timeout.
        await persister.DrainAsync(cancellationToken).ConfigureAwait(false);
    }
}
