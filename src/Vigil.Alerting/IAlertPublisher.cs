namespace Vigil.Alerting;

/// <summary>The one way alerts leave Vigil (inspection sensors and detection onsets alike).</summary>
public interface IAlertPublisher
{
    /// <summary>
    /// Dedup (the window is shared across replicas and survives restarts), then the persisted outbox and delivery to
    /// every receiver; in shadow mode the alert is recorded but not delivered. Never throws for a receiver or dedup
    /// back-end failure: those are counted, logged and retried (delivery) or failed open (dedup).
    /// </summary>
    ValueTask<AlertPublishOutcome> PublishAsync(AlertEvent alert, CancellationToken cancellationToken);

    /// <summary>Marks the alert with <paramref name="dedupKey"/> resolved at <paramref name="resolvedAt"/> (endsAt); unknown keys are ignored.</summary>
    ValueTask ResolveAsync(string dedupKey, DateTimeOffset resolvedAt, CancellationToken cancellationToken);
}
