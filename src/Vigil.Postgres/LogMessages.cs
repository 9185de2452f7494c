using Microsoft.Extensions.Logging;

namespace Vigil.Postgres;

/// <summary>Every log message of this assembly, with stable event ids (5000–5099).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(5000, LogLevel.Information, "Applied business-metrics migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(5001, LogLevel.Warning, "{Count} events arrived later than the allowed lateness of {Lateness}; they are stored but their minutes are not re-aggregated")]
    public static partial void EventsTooLate(ILogger logger, int count, TimeSpan lateness);

    [LoggerMessage(5010, LogLevel.Information, "Became the business-metrics aggregation leader")]
    public static partial void LeadershipAcquired(ILogger logger);

    [LoggerMessage(5011, LogLevel.Warning, "Lost business-metrics aggregation leadership")]
    public static partial void LeadershipLost(ILogger logger, Exception? exception);

    [LoggerMessage(5020, LogLevel.Debug, "Aggregated {Minutes} minutes up to {Watermark:o} ({Dirty} late minutes, {Events} events) in {ElapsedMs} ms")]
    public static partial void Aggregated(ILogger logger, int minutes, DateTimeOffset watermark, int dirty, long events, double elapsedMs);

    [LoggerMessage(5021, LogLevel.Error, "Business-metrics aggregation cycle failed; retrying next interval")]
    public static partial void CycleFailed(ILogger logger, Exception exception);

    [LoggerMessage(5030, LogLevel.Debug, "Scored {Points} points of {Metrics} metrics up to {Until:o}, {Anomalies} anomalies")]
    public static partial void Scored(ILogger logger, int points, int metrics, DateTimeOffset until, int anomalies);
}
