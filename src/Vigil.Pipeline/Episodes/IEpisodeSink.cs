namespace Vigil.Pipeline.Episodes;

/// <summary>
/// Receives episode open/close events from the <see cref="EpisodeTrackerSink"/> (register with
/// <c>services.AddEpisodeSink&lt;T&gt;()</c>): today the log/counter and the in-memory recent list; the event store
/// and alerting subscribe here next. Called on the publishing source's loop: keep it short, be thread-safe.
/// </summary>
public interface IEpisodeSink
{
    void OnEpisode(AnomalyEpisode episode);

    /// <summary>A job's publication ended: every episode event of that batch was handed over before it.</summary>
    void OnPublished(string source)
    {
    }
}
