using Microsoft.Extensions.Logging;

namespace Vigil.Logs.Service;

/// <summary>Event ids 9000–9099 (docs/architecture.md).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Log source {Source} ({Kind}) started; state in {StateDirectory}")]
    public static partial void SourceStarted(this ILogger logger, string source, string kind, string stateDirectory);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Log source {Source} failed to read; retrying at its next poll")]
    public static partial void SourceReadFailed(this ILogger logger, string source, Exception exception);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Log source {Source} could not save its template ids or positions to {StateDirectory}")]
    public static partial void StateSaveFailed(this ILogger logger, string source, string stateDirectory, Exception exception);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Log source {Source}: new template {TemplateId}: {Template}")]
    public static partial void NewTemplate(this ILogger logger, string source, long templateId, string template);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "New template {TemplateId} of log source {Source} could not be written to the event store; retrying in {RetryIn}")]
    public static partial void TemplateRecordFailed(this ILogger logger, string source, long templateId, TimeSpan retryIn, Exception exception);
}
