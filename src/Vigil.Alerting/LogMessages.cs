namespace Vigil.Alerting;

// Event ids 8000-8099: Vigil.Alerting.
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Error, Message = "Alert dedup back end {Backend} failed for {Key}; failing open (the alert is published)")]
    public static partial void DedupFailed(this ILogger logger, string backend, string key, Exception exception);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Alert delivery to {Receiver} failed ({Failures} in a row); next attempt in {Delay}")]
    public static partial void DeliveryFailed(this ILogger logger, string receiver, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Error, Message = "Alert outbox write failed for {Key}; delivery is attempted but not persisted")]
    public static partial void OutboxWriteFailed(this ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Alert {Name} {Key} raised ({Outcome})")]
    public static partial void AlertPublished(this ILogger logger, string name, string key, AlertPublishOutcome outcome);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error, Message = "Alert delivery cycle failed")]
    public static partial void CycleFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Error, Message = "Routing the episode of job {Job} to alerting failed")]
    public static partial void OnsetRouteFailed(this ILogger logger, string job, Exception exception);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "ALERT {Status} {Name} {Labels}: {Summary}")]
    public static partial void AlertDelivered(this ILogger logger, string status, string name, string labels, string summary);
}
