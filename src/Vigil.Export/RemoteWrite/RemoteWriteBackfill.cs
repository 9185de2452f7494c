using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Export.RemoteWrite;

/// <summary>
/// Writes the scores of a backtest as history: each scored chunk is sent, with the retries of the live sender, before
/// the next chunk is read, so a long range never queues more than one chunk and nothing is dropped for lack of room.
/// </summary>
public sealed class RemoteWriteBackfill : IDisposable
{
    // The largest slice published at once: enough for several requests, bounded whatever the chunk holds.
    private const int SlicePoints = 50_000;

    private readonly string _source;
    private readonly string _detector;
    private readonly RemoteWriteBuffer _buffer;
    private readonly RemoteWriteSender _sender;
    private readonly VerdictBatch _batch;
    private readonly Dictionary<Labels, ScoredSeries> _series = [];

    public RemoteWriteBackfill(HttpClient http, RemoteWriteOptions options, string source, string detector, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _detector = detector;
        var registry = new MetricRegistry();
        var bounded = options with { QueueCapacity = SlicePoints };
        Metrics = new RemoteWriteMetrics(registry);
        _buffer = new RemoteWriteBuffer(bounded, Metrics);
        _sender = new RemoteWriteSender(http, bounded, _buffer, Metrics, new VigilMetrics(registry), time, NullLogger<RemoteWriteSender>.Instance);
        _batch = new VerdictBatch(source, SlicePoints);
    }

    public RemoteWriteMetrics Metrics { get; }

    /// <summary>The receiver's answer to the last failed request, if any.</summary>
    public string? LastError => _sender.LastError;

    /// <summary>True once a request failed for good: the history is incomplete and later chunks are not sent.</summary>
    public bool Abandoned => Metrics.Failed > 0;

    /// <summary>
    /// Sends the scored points (warm-up and invalid ones are not scores and are not written). After a request failed
    /// for good, later chunks are not sent: a receiver that is down or rejecting would only make the run wait through
    /// every chunk's retries for a history that is already incomplete.
    /// </summary>
    public async Task WriteAsync(IEnumerable<(Labels Series, long TimestampMs, double Value, Verdict Verdict)> points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (Abandoned)
        {
            return;
        }
        foreach (var (labels, timestamp, value, verdict) in points)
        {
            if (verdict.Kind != VerdictKind.Scored)
            {
                continue;
            }

            if (!_series.TryGetValue(labels, out var series))
            {
                series = new ScoredSeries(_source, labels, _detector);
                _series.Add(labels, series);
            }

            _batch.Add(new ScoredPoint(series, timestamp, value, verdict));
            if (_batch.Count == SlicePoints)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _sender.Dispose();

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Abandoned)
        {
            _batch.Clear();
            return;
        }

        _buffer.Publish(_batch);
        _batch.Clear();
        await _sender.SendQueuedAsync(cancellationToken).ConfigureAwait(false);
    }
}
