namespace Vigil;

/// <summary>Log events of the host and CLI, ids 4000–4099 (the ranges of all assemblies are in docs/architecture.md).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(4000, LogLevel.Warning, "{Notice}")]
    public static partial void AuthNotice(this ILogger logger, string notice);

    [LoggerMessage(4001, LogLevel.Warning, "No server.state_dir: episodes and feedback are kept in {Path} for this run only (set server.state_dir or VIGIL_STATE_DIR to keep them across restarts)")]
    public static partial void EphemeralEventStore(this ILogger logger, string path);
}
