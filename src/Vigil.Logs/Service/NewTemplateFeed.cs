namespace Vigil.Logs.Service;

/// <summary>A template a source's miner created: a kind of line not seen before (ids are stable across restarts).</summary>
public sealed record NewTemplateEvent(string Source, long TemplateId, string Text, DateTimeOffset FirstSeen);

/// <summary>
/// The in-process feed of new templates from every source, for readers such as the inspector's log-patterns sensor:
/// <see cref="Drain"/> returns what was created since the previous call. Bounded: past <see cref="Capacity"/> the oldest
/// are dropped (and counted in <see cref="Dropped"/>), so a reader that never comes does not grow memory.
/// </summary>
public sealed class NewTemplateFeed
{
    public const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<NewTemplateEvent> _queue = new();

    public long Dropped { get; private set; }

    public void Publish(NewTemplateEvent created)
    {
        ArgumentNullException.ThrowIfNull(created);
        lock (_gate)
        {
            if (_queue.Count == Capacity)
            {
                _queue.Dequeue();
                Dropped++;
            }

            _queue.Enqueue(created);
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
}
