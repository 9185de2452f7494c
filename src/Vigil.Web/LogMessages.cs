using Microsoft.Extensions.Logging;

namespace Vigil.Web;

/// <summary>The UI's log events; ids 10000–10099 are reserved for <c>Vigil.Web</c> (docs/architecture.md).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 10000, Level = LogLevel.Warning, Message = "UI request {Path} refused ({Status}): {Reason}")]
    public static partial void Refused(this ILogger logger, string path, int status, string reason);

    [LoggerMessage(EventId = 10001, Level = LogLevel.Information, Message = "UI feedback {Kind} on job {Job} series {Series} from {From} to {To} stored as #{Id}")]
    public static partial void FeedbackStored(this ILogger logger, string kind, string job, string series, DateTimeOffset from, DateTimeOffset to, long id);

    [LoggerMessage(EventId = 10002, Level = LogLevel.Warning, Message = "UI page {Path} could not read {What}: {Reason}")]
    public static partial void ReadFailed(this ILogger logger, string path, string what, string reason);

    [LoggerMessage(EventId = 10003, Level = LogLevel.Information, Message = "UI model action {Action} on job {Job}: {Outcome}")]
    public static partial void ModelAction(this ILogger logger, string action, string job, string outcome);
}
