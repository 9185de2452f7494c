namespace Vigil;

/// <summary>
/// Every log event of the <c>vigil</c> host and CLI, with stable event ids 4000–4099 (the ranges of all assemblies
/// are in docs/architecture.md): 4000–4009 CLI command failures.
/// </summary>
internal static partial class LogMessages
{
    /// <summary>The one line a failed command printed, with the exception (and its stack trace) that caused it.</summary>
    [LoggerMessage(4000, LogLevel.Debug, "{Message}")]
    public static partial void CommandFailed(ILogger logger, string message, Exception exception);
}
