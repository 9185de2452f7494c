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

    [LoggerMessage(5040, LogLevel.Warning, "Business metrics not ready: the database is unreachable ({Step}: {Error}); retrying with back-off from {Initial} up to {Max} between attempts, counted as error_type database in vigil_errors_total; everything else keeps running")]
    public static partial void DatabaseUnreachable(ILogger logger, string step, string error, TimeSpan initial, TimeSpan max);

    [LoggerMessage(5041, LogLevel.Information, "The database is reachable again after {Attempts} attempts")]
    public static partial void DatabaseReachable(ILogger logger, int attempts);

    [LoggerMessage(5042, LogLevel.Information, "Business metrics ready ({Steps} start-up steps done)")]
    public static partial void BusinessReady(ILogger logger, int steps);

    [LoggerMessage(5043, LogLevel.Debug, "Database start-up attempt {Attempt} failed")]
    public static partial void DatabaseAttemptFailed(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(5044, LogLevel.Error, "Business metrics not started: {Step} failed and retrying cannot fix it; the rest of Vigil keeps running")]
    public static partial void StartupStepFailed(ILogger logger, string step, Exception exception);
}
