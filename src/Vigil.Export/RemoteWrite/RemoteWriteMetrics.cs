using Vigil.Exposition;

namespace Vigil.Export.RemoteWrite;

/// <summary>Remote-write's own health on /metrics: what was sent, what was lost and why, what is waiting.</summary>
public sealed class RemoteWriteMetrics
{
    private readonly CounterFamily _samples;
    private readonly GaugeFamily _pending;
    private readonly HistogramFamily _duration;

    public RemoteWriteMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _samples = registry.CreateCounter(
            "vigil_remote_write_samples_total",
            "Samples by outcome: sent (2xx), failed (rejected with a 4xx, or still failing after the last attempt), dropped (the queue was full: the oldest were dropped).",
            "outcome");
        _pending = registry.CreateGauge("vigil_remote_write_pending_samples", "Samples queued for remote-write and not yet sent.");
        _duration = registry.CreateHistogram("vigil_remote_write_request_duration_seconds", "Time per remote-write request, retries excluded.", [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
        foreach (var outcome in (string[])["sent", "failed", "dropped"])
        {
            _samples.WithLabels(outcome);
        }
    }

    public double Sent => _samples.WithLabels("sent").Value;

    public double Failed => _samples.WithLabels("failed").Value;

    public double DroppedSamples => _samples.WithLabels("dropped").Value;

    internal void Dropped(int points) => _samples.WithLabels("dropped").Inc(points * 4);

    internal void SentPoints(int points) => _samples.WithLabels("sent").Inc(points * 4);

    internal void FailedPoints(int points) => _samples.WithLabels("failed").Inc(points * 4);

    internal void SetPending(long points) => _pending.Unlabelled.Set(points * 4);

    internal void Observe(TimeSpan elapsed) => _duration.Unlabelled.Observe(elapsed.TotalSeconds);
}
