using Microsoft.Extensions.Logging;

namespace Vigil.Charts;

/// <summary>Log events of Vigil.Charts: ids 12000–12099 (docs/architecture.md).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 12000, Level = LogLevel.Error, Message = "Rendering a chart of {Subject} failed")]
    public static partial void ChartRenderFailed(this ILogger logger, string subject, Exception exception);

    [LoggerMessage(EventId = 12001, Level = LogLevel.Warning, Message = "Re-scoring {Job} from its source for a chart failed ({ErrorType}): {Reason}")]
    public static partial void ChartSourceFailed(this ILogger logger, string job, string errorType, string reason);

    [LoggerMessage(EventId = 12002, Level = LogLevel.Warning, Message = "Reading business metric {Metric} for a chart failed: {Reason}")]
    public static partial void ChartDatabaseFailed(this ILogger logger, string metric, string reason);
}
