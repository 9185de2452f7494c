namespace Vigil.Inspection;

// Event ids 6000-6099: Vigil.Inspection.
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Inspection round {RoundId} finished: {Alerts} alert(s), {Errors} error(s), shadow {Shadow}")]
    public static partial void RoundFinished(this ILogger logger, string roundId, int alerts, int errors, bool shadow);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Inspection sensor {Sensor} failed in round {RoundId}: {Error}")]
    public static partial void SensorFailed(this ILogger logger, string sensor, string roundId, string error, Exception? exception);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Inspection sensor {Sensor}: {Error}")]
    public static partial void SensorReported(this ILogger logger, string sensor, string error);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Inspection report {RoundId} could not be stored; it is served from memory only")]
    public static partial void ReportNotStored(this ILogger logger, string roundId, Exception exception);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Publishing inspection alert {Name} ({Key}) failed")]
    public static partial void PublishFailed(this ILogger logger, string name, string key, Exception exception);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Baseline retraining skipped: the previous one is still running")]
    public static partial void RetrainSkipped(this ILogger logger);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Baseline retraining of {Metric} failed; the current baselines stay")]
    public static partial void RetrainFailed(this ILogger logger, string metric, Exception exception);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning, Message = "ALERT {Severity} {Name} [{Sensor}] {Summary} | {Description} | labels {Labels} | key {Key} | shadow {Shadow}")]
    public static partial void AlertToLog(this ILogger logger, string severity, string name, string sensor, string summary, string description, string labels, string key, bool shadow);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Information, Message = "Inspection every {Interval} over {Metrics} metric(s), sensors: {Sensors}; shadow mode {Shadow}; alerts go to {Publisher}")]
    public static partial void Started(this ILogger logger, TimeSpan interval, int metrics, string sensors, bool shadow, string publisher);
}
