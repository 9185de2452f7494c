using System.Threading.Channels;
using Vigil.Core.Detection;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Export.RemoteWrite;

/// <summary>
/// The verdict sink side of remote-write: every scored point (warm-up and invalid points are not scores) is queued
/// for the sender, in a bounded queue that drops its oldest points when full. Publishing never waits for the network:
/// it runs inside the job's cycle.
/// </summary>
public sealed class RemoteWriteBuffer : IVerdictSink
{
    private readonly Channel<ScoredPoint> _channel;
    private readonly RemoteWriteMetrics _metrics;
    private long _pending;

    public RemoteWriteBuffer(RemoteWriteOptions options, RemoteWriteMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _channel = Channel.CreateBounded<ScoredPoint>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                // The oldest point made room for a newer one: four samples lost, and counted.
                Interlocked.Decrement(ref _pending);
                _metrics.Dropped(1);
            });
    }

    internal ChannelReader<ScoredPoint> Reader => _channel.Reader;

    /// <summary>Points queued and not yet taken by the sender.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public void Publish(VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (ref readonly var point in batch.Points)
        {
            if (point.Verdict.Kind == VerdictKind.Scored && _channel.Writer.TryWrite(point))
            {
                Interlocked.Increment(ref _pending);
            }
        }

        _metrics.SetPending(Pending);
    }

    /// <summary>Moves up to <paramref name="max"/> queued points into <paramref name="into"/>; returns how many.</summary>
    internal int Take(List<ScoredPoint> into, int max)
    {
        var taken = 0;
        while (taken < max && _channel.Reader.TryRead(out var point))
        {
            into.Add(point);
            taken++;
        }

        Interlocked.Add(ref _pending, -taken);
        _metrics.SetPending(Pending);
        return taken;
    }
}
