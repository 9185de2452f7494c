using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Logs.Sources;
using Vigil.Logs.Sources.Files;
using Vigil.Logs.Sources.Loki;
using Vigil.Logs.Sources.Syslog;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Logs.Service;

/// <summary>
/// The loop of one configured source (one hosted service per source): read what is new, hand it to the
/// <see cref="SourceIngestor"/>, close the intervals the clock has passed, and save template ids and positions every
/// <c>checkpoint_interval</c> and at stop. A failed read is counted (<c>log_source</c>) and retried at the next poll;
/// the service keeps running.
/// </summary>
internal sealed class LogSourceService(SourceIngestor ingestor, TimeSpan checkpointInterval, VigilMetrics metrics, LogTelemetry telemetry, TimeProvider time, IHttpClientFactory? http, IEnumerable<IPolledLogSourceFactory> polled, ILogger<LogSourceService> logger) : BackgroundService
{
    private const int MaxLinesPerPoll = 10_000;

    private DateTimeOffset _lastSave;
    private bool _dirty;

    /// <summary>The syslog receiver while running (tests read its ports).</summary>
    public SyslogReceiver? Syslog { get; private set; }

    /// <summary>Completed once the source is reading (sockets bound, checkpoint loaded).</summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var source = ingestor.Source;
        logger.SourceStarted(source.Name, source.Kind, ingestor.CheckpointPath is { } p ? Path.GetDirectoryName(p)! : "memory only");
        _lastSave = time.GetUtcNow();
        try
        {
            if (source.File is { } file)
            {
                await RunFileAsync(file, stoppingToken).ConfigureAwait(false);
            }
            else if (source.Syslog is { } syslog)
            {
                await RunSyslogAsync(syslog, stoppingToken).ConfigureAwait(false);
            }
            else if (source.Loki is { } loki)
            {
                await RunLokiAsync(loki, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                // Kubernetes (and any other kind implemented in its own assembly): the host registers the factory.
                var factory = polled.FirstOrDefault(f => f.Kind == source.Kind)
                    ?? throw new InvalidOperationException($"logs source '{source.Name}': no reader for type {source.Kind} is registered (the host must add it, e.g. AddKubernetesLogSources)");
                await RunPolledAsync(factory.Create(source, ingestor.CheckpointPath, time), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the finally blocks saved the state.
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    private async Task RunFileAsync(FileSourceOptions options, CancellationToken ct)
    {
        var checkpoint = ingestor.CheckpointPath is { } path ? FileTailer.LoadCheckpoint(path) : null;
        using var tailer = new FileTailer(options, checkpoint);
        _started.TrySetResult();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    IReadOnlyList<string> lines;
                    do
                    {
                        lines = tailer.Poll(MaxLinesPerPoll);
                        ingestor.Ingest(lines);
                        _dirty |= lines.Count > 0;
                    }
                    while (lines.Count == MaxLinesPerPoll && !ct.IsCancellationRequested);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Failed(ex);
                }

                Tick(() => tailer.SaveCheckpoint(ingestor.CheckpointPath!));
                await Task.Delay(options.PollInterval, time, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            Save(() => tailer.SaveCheckpoint(ingestor.CheckpointPath!));
        }
    }

    private async Task RunSyslogAsync(SyslogOptions options, CancellationToken ct)
    {
        var receiver = new SyslogReceiver(options);
        await using var _ = receiver.ConfigureAwait(false);
        receiver.Start();
        Syslog = receiver;
        _started.TrySetResult();
        long dropped = 0, framing = 0;
        var batch = new List<string>(1024);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Wake for the next line or the end of the interval, whichever comes first.
                var wait = ingestor.OpenIntervalEnd - time.GetUtcNow();
                using (var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
                {
                    try
                    {
                        await receiver.Messages.WaitToReadAsync(linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // The interval ended with no new line.
                    }
                }

                while (batch.Count < MaxLinesPerPoll && receiver.Messages.TryRead(out var message))
                {
                    batch.Add(message);
                }

                ingestor.Ingest(batch);
                _dirty |= batch.Count > 0;
                batch.Clear();
                telemetry.Dropped(LogTelemetry.DroppedQueueFull, receiver.Dropped - dropped);
                telemetry.Dropped(LogTelemetry.DroppedFraming, receiver.FramingErrors - framing);
                dropped = receiver.Dropped;
                framing = receiver.FramingErrors;
                Tick(static () => { });
            }
        }
        finally
        {
            // Syslog cannot replay: what is queued is mined before stop (the receiver drains on dispose).
            while (receiver.Messages.TryRead(out var message))
            {
                batch.Add(message);
            }

            ingestor.Ingest(batch);
            Save(static () => { });
        }
    }

    private async Task RunLokiAsync(LokiOptions options, CancellationToken ct)
    {
        var checkpoint = ingestor.CheckpointPath is { } path && File.Exists(path) ? ReadLokiCheckpoint(path) : null;
        using var client = http?.CreateClient("vigil-logs-loki") ?? new HttpClient();
        var loki = new LokiSource(client, options, time, checkpoint);
        _started.TrySetResult();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var entries = await loki.PollAsync(ct).ConfigureAwait(false);
                    ingestor.Ingest([.. entries.Select(e => e.Line)]);
                    _dirty |= entries.Count > 0;
                }
                catch (LokiException ex)
                {
                    Failed(ex);
                }

                Tick(() => WriteLokiCheckpoint(ingestor.CheckpointPath!, loki.Checkpoint));
                await Task.Delay(options.PollInterval, time, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            Save(() => WriteLokiCheckpoint(ingestor.CheckpointPath!, loki.Checkpoint));
        }
    }

    private async Task RunPolledAsync(IPolledLogSource reader, CancellationToken ct)
    {
        _started.TrySetResult();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var lines = await reader.PollAsync(ct).ConfigureAwait(false);
                    ingestor.Ingest(lines);
                    _dirty |= lines.Count > 0;
                }
                catch (LogSourceException ex)
                {
                    Failed(ex);
                }

                Tick(() => reader.SaveCheckpoint(ingestor.CheckpointPath!));
                await Task.Delay(reader.PollInterval, time, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            Save(() => reader.SaveCheckpoint(ingestor.CheckpointPath!));
            (reader as IDisposable)?.Dispose();
        }
    }

    /// <summary>Closes the intervals the clock passed, and saves when due.</summary>
    private void Tick(Action savePositions)
    {
        ingestor.CloseIntervals(time.GetUtcNow());
        if (_dirty && time.GetUtcNow() - _lastSave >= checkpointInterval)
        {
            Save(savePositions);
        }
    }

    /// <summary>Template ids first, then positions: a crash between the two re-reads lines, never loses their ids.</summary>
    private void Save(Action savePositions)
    {
        _lastSave = time.GetUtcNow();
        _dirty = false;
        if (ingestor.CheckpointPath is not { } path)
        {
            return;
        }

        try
        {
            ingestor.SaveState();
            savePositions();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            metrics.CountError(ErrorTypes.LogSource);
            logger.StateSaveFailed(ingestor.Name, Path.GetDirectoryName(path)!, ex);
        }
    }

    private void Failed(Exception ex)
    {
        metrics.CountError(ErrorTypes.LogSource);
        logger.SourceReadFailed(ingestor.Name, ex);
    }

    private const string LokiCheckpointHeader = "vigil-loki-checkpoint 1";

    internal static void WriteLokiCheckpoint(string path, LokiCheckpoint checkpoint)
    {
        var text = new StringBuilder(LokiCheckpointHeader).Append('\n')
            .Append(checkpoint.TimestampNs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in checkpoint.SeenAtTimestamp.Order())
        {
            text.Append(hash.ToString("x16", CultureInfo.InvariantCulture)).Append('\n');
        }

        File.WriteAllText(path + ".tmp", text.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <exception cref="FormatException">Not a checkpoint written by <see cref="WriteLokiCheckpoint"/>.</exception>
    internal static LokiCheckpoint ReadLokiCheckpoint(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0] != LokiCheckpointHeader || !long.TryParse(lines[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ts))
        {
            throw new FormatException($"{path} is not a Loki checkpoint");
        }

        var seen = new HashSet<ulong>();
        foreach (var line in lines.Skip(2).Where(l => l.Length > 0))
        {
            seen.Add(ulong.Parse(line, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return new LokiCheckpoint(ts, seen);
    }
}
