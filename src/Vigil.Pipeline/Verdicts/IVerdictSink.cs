namespace Vigil.Pipeline.Verdicts;

/// <summary>
/// Where scored points go: the /metrics score store, the recent-history buffer, the episode tracker, and later
/// alerting, remote-write and the UI. Register with <c>services.AddVerdictSink&lt;T&gt;()</c>; the pipeline's
/// <see cref="VerdictPublisher"/> hands every source's batch to every sink.
/// <para>
/// Called once per cycle of a source, on that source's loop; different sources publish concurrently, so a sink
/// keeping state across sources must be thread-safe. A sink must be fast (it runs inside the cycle) and must not
/// keep a reference to the batch. An exception is counted as <c>verdict_sink</c> and the other sinks still run.
/// </para>
/// </summary>
public interface IVerdictSink
{
    void Publish(VerdictBatch batch);
}
