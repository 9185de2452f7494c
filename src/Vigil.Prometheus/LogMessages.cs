using Microsoft.Extensions.Logging;

namespace Vigil.Prometheus;

/// <summary>Every log event of this assembly, with stable ids 1000–1099 (the ranges of all assemblies: docs/architecture.md). Never log credentials.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug,
        Message = "Prometheus {Endpoint} returned {SeriesCount} series, {SampleCount} samples ({ResponseBytes} bytes) in {ElapsedMs} ms (attempt {Attempt}): {Query}")]
    public static partial void QueryCompleted(this ILogger logger, string endpoint, int seriesCount, int sampleCount, int responseBytes, long elapsedMs, int attempt, string query);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Prometheus {Endpoint} attempt {Attempt}/{MaxAttempts} failed after {ElapsedMs} ms, retrying in {DelayMs} ms: {Error}")]
    public static partial void QueryRetrying(this ILogger logger, string endpoint, int attempt, int maxAttempts, long elapsedMs, long delayMs, string error);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Prometheus {Endpoint} failed after {Attempts} attempt(s) ({ErrorType}, transient: {IsTransient}): {Query}")]
    public static partial void QueryFailed(this ILogger logger, Exception exception, string endpoint, int attempts, string errorType, bool isTransient, string query);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Prometheus {Endpoint} warning: {Warning} (query: {Query})")]
    public static partial void ResponseWarning(this ILogger logger, string endpoint, string warning, string query);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Prometheus {Endpoint} info: {Info} (query: {Query})")]
    public static partial void ResponseInfo(this ILogger logger, string endpoint, string info, string query);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "Prometheus {Endpoint} skipped {SeriesCount} native-histogram-only series and {SampleCount} histogram samples; Vigil analyses float samples only (query: {Query})")]
    public static partial void HistogramsSkipped(this ILogger logger, string endpoint, int seriesCount, int sampleCount, string query);
}
