using System.Collections.Concurrent;
using Vigil.Alerting;

namespace Vigil.Inspection;

/// <summary>
/// The alert route when Vigil.Alerting is not registered (the embedded demo, a deployment without an <c>alerting:</c>
/// section): every alert is written to the log as a warning (event 6007) with its labels and dedup key, so inspection
/// findings are never dropped silently. The same dedup key is logged at most once per <see cref="Window"/> of the
/// alerts' own time (<see cref="AlertEvent.StartsAt"/>, the replay's clock in the demo), in this process only: the
/// shared, persistent dedup and real delivery are Vigil.Alerting's, configure it for those.
/// </summary>
internal sealed class LoggingAlertPublisher(ILogger<LoggingAlertPublisher> logger) : IAlertPublisher
{
    /// <summary>The same default as <c>alerting.dedup_window</c>.</summary>
    public static readonly TimeSpan Window = new AlertingOptions().DedupWindow;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _logged = new(StringComparer.Ordinal);

    public ValueTask<AlertPublishOutcome> PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var key = alert.DedupKey;
        if (_logged.TryGetValue(key, out var last) && alert.StartsAt - last < Window && alert.StartsAt >= last)
        {
            return ValueTask.FromResult(AlertPublishOutcome.Deduplicated);
        }

        _logged[key] = alert.StartsAt;
        if (logger.IsEnabled(LogLevel.Warning))
        {
            var labels = string.Join(",", alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""));
            logger.AlertToLog(alert.Severity.ToString().ToLowerInvariant(), alert.Name, alert.Sensor, alert.Summary, alert.Description, "{" + labels + "}", key, alert.Shadow);
        }

        return ValueTask.FromResult(alert.Shadow ? AlertPublishOutcome.Shadow : AlertPublishOutcome.Sent);
    }

    public ValueTask ResolveAsync(string dedupKey, DateTimeOffset resolvedAt, CancellationToken cancellationToken)
    {
        _logged.TryRemove(dedupKey, out _);
        return ValueTask.CompletedTask;
    }
}
