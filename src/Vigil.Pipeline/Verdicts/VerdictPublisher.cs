using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Verdicts;

/// <summary>
/// The verdict seam: every source (Prometheus jobs, multivariate jobs, business metrics) publishes its cycle's batch
/// here, and it fans out to the sinks registered in DI, then to runtime subscribers (a live view, a test). One
/// failing sink is counted and logged; the others, and the cycle, go on.
/// </summary>
public sealed class VerdictPublisher : IVerdictSink
{
    private readonly IVerdictSink[] _sinks;
    private readonly VigilMetrics _metrics;
    private readonly ILogger<VerdictPublisher> _logger;
    private IVerdictSink[] _subscribers = [];
    private readonly Lock _gate = new();

    public VerdictPublisher(IEnumerable<IVerdictSink> sinks, VigilMetrics metrics, ILogger<VerdictPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        _sinks = [.. sinks];
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The sinks registered at composition, in registration order.</summary>
    public IReadOnlyList<IVerdictSink> Sinks => _sinks;

    public void Publish(VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty)
        {
            return;
        }

        Deliver(_sinks, batch);
        Deliver(Volatile.Read(ref _subscribers), batch);
    }

    /// <summary>Adds a sink after composition (copy-on-write: publishing never takes a lock); dispose to remove it.</summary>
    public IDisposable Subscribe(IVerdictSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, sink];
        }

        return new Subscription(this, sink);
    }

    private void Unsubscribe(IVerdictSink sink)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, sink))];
        }
    }

    private void Deliver(IVerdictSink[] sinks, VerdictBatch batch)
    {
        foreach (var sink in sinks)
        {
            try
            {
                sink.Publish(batch);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _metrics.CountError(ErrorTypes.VerdictSink);
                _logger.SinkFailed(ex, sink.GetType().Name, batch.Source);
            }
        }
    }

    private sealed class Subscription(VerdictPublisher owner, IVerdictSink sink) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(sink);
    }
}
