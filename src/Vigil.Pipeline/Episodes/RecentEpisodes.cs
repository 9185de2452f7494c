namespace Vigil.Pipeline.Episodes;

/// <summary>The latest episode events, newest last (read side of <see cref="RecentEpisodes"/>).</summary>
public interface IRecentEpisodes
{
    IReadOnlyList<AnomalyEpisode> Recent(int max);
}

/// <summary>
/// Keeps the last <see cref="EpisodeOptions.RecentCapacity"/> episode events in memory, so the UI and API have
/// something to show before the event store (branch <c>store</c>) persists them; then it is replaced there.
/// </summary>
public sealed class RecentEpisodes(EpisodeOptions options) : IEpisodeSink, IRecentEpisodes
{
    private readonly Lock _gate = new();
    private readonly Queue<AnomalyEpisode> _events = new();

    public void OnEpisode(AnomalyEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        lock (_gate)
        {
            if (_events.Count == options.RecentCapacity)
            {
                _events.Dequeue();
            }

            _events.Enqueue(episode);
        }
    }

    public IReadOnlyList<AnomalyEpisode> Recent(int max)
    {
        lock (_gate)
        {
            return [.. _events.Skip(Math.Max(0, _events.Count - max))];
        }
    }
}
