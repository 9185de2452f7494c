using System.Threading.Channels;

namespace Vigil.Logs.Service;

/// <summary>A template a source's miner created: a kind of line not seen before (ids are stable across restarts).</summary>
public sealed record NewTemplateEvent(string Source, long TemplateId, string Text, DateTimeOffset FirstSeen);

/// <summary>
/// The in-process feed of new templates from every source. Two kinds of reader: the inspector's log-patterns sensor
/// calls <see cref="Drain"/> each round (what was created since the previous call), and readers that wait for each
/// event (the event-store recorder) take a <see cref="Subscribe"/> channel of their own. Every queue is bounded: past
/// <see cref="Capacity"/> the oldest are dropped and counted in <see cref="Dropped"/>, so a reader that never comes
/// does not grow memory.
/// </summary>
public sealed class NewTemplateFeed
{
    public const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<NewTemplateEvent> _queue = new();
    private readonly List<ChannelWriter<NewTemplateEvent>> _subscribers = [];
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Publish(NewTemplateEvent created)
    {
        ArgumentNullException.ThrowIfNull(created);
        lock (_gate)
        {
            if (_queue.Count == Capacity)
            {
                _queue.Dequeue();
                Interlocked.Increment(ref _dropped);
            }

            _queue.Enqueue(created);
            foreach (var subscriber in _subscribers)
            {
                // Bounded with DropOldest: never blocks the miner; a drop is counted by the channel's callback.
                subscriber.TryWrite(created);
            }
        }
    }

    public IReadOnlyList<NewTemplateEvent> Drain()
    {
        lock (_gate)
        {
            IReadOnlyList<NewTemplateEvent> drained = [.. _queue];
            _queue.Clear();
            return drained;
        }
    }

    /// <summary>A queue of its own that receives every event published from now on (bounded like the feed).</summary>
    public ChannelReader<NewTemplateEvent> Subscribe()
    {
        var channel = Channel.CreateBounded<NewTemplateEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        lock (_gate)
        {
            _subscribers.Add(channel.Writer);
        }

        return channel.Reader;
    }
}
