namespace Vigil;

/// <summary>
/// Every log event of the <c>vigil</c> host and CLI, with stable event ids 4000–4099 (the ranges of all assemblies
/// are in docs/architecture.md): 4000–4009 CLI command failures, 4010–4019 HTTP API authentication and event store.
/// </summary>
internal static partial class LogMessages
{
    /// <summary>The one line a failed command printed, with the exception (and its stack trace) that caused it.</summary>
    [LoggerMessage(4000, LogLevel.Debug, "{Message}")]
    public static partial void CommandFailed(ILogger logger, string message, Exception exception);

    [LoggerMessage(4013, LogLevel.Warning, "{Notice}")]
    public static partial void AuthNotice(this ILogger logger, string notice);

    [LoggerMessage(4014, LogLevel.Warning, "No server.state_dir: episodes and feedback are kept in {Path} for this run only (set server.state_dir or VIGIL_STATE_DIR to keep them across restarts)")]
    public static partial void EphemeralEventStore(this ILogger logger, string path);
}
