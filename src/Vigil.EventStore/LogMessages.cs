using Microsoft.Extensions.Logging;

namespace Vigil.EventStore;

/// <summary>Every log message of this assembly, with stable event ids (7000–7099).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(7000, LogLevel.Information, "Applied migration {Version} ({Name}) to the {Store}")]
    public static partial void MigrationApplied(ILogger logger, string store, int version, string name);

    [LoggerMessage(7001, LogLevel.Information, "Event store ready: {Store}, schema version {Version}")]
    public static partial void Ready(ILogger logger, string store, int version);

    [LoggerMessage(7002, LogLevel.Warning, "Episode of {Source}{Series} not stored after {Attempts} attempt(s); dropped")]
    public static partial void EpisodeDropped(ILogger logger, Exception exception, string source, string series, int attempts);

    [LoggerMessage(7003, LogLevel.Warning, "Feedback {Id} could not be applied: {Reason}")]
    public static partial void FeedbackNotApplied(ILogger logger, long id, string reason);
}
