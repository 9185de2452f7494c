using Vigil.Alerting;

namespace Vigil.Inspection;

/// <summary>
/// The alert route when Vigil.Alerting is not registered (the embedded demo, a deployment without an <c>alerting:</c>
/// section): every alert is written to the log as a warning (event 6007) with its labels and dedup key, so inspection
/// findings are never dropped silently. No dedup and no delivery: configure alerting for those.
/// </summary>
internal sealed class LoggingAlertPublisher(ILogger<LoggingAlertPublisher> logger) : IAlertPublisher
{
    public ValueTask<AlertPublishOutcome> PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var labels = string.Join(",", alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""));
        logger.AlertToLog(alert.Severity.ToString().ToLowerInvariant(), alert.Name, alert.Sensor, alert.Summary, alert.Description, "{" + labels + "}", alert.DedupKey, alert.Shadow);
        return ValueTask.FromResult(alert.Shadow ? AlertPublishOutcome.Shadow : AlertPublishOutcome.Sent);
    }

    public ValueTask ResolveAsync(string dedupKey, DateTimeOffset resolvedAt, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
