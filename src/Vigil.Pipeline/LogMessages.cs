namespace Vigil.Pipeline;

/// <summary>
/// Every log event of Vigil.Pipeline, with stable event ids 2000–2999 (the ranges of all assemblies are in
/// docs/architecture.md): 2000–2029 job cycles and state, 2030–2039 model reloads, 2040–2059 the scheduler,
/// 2060–2079 the verdict seam and its sinks.
/// </summary>
internal static partial class LogMessages
{
    [LoggerMessage(2000, LogLevel.Information, "Job {Job} warmed {SeriesCount} new series from {Points} points of history")]
    public static partial void Warmed(this ILogger logger, string job, int seriesCount, int points);

    [LoggerMessage(2001, LogLevel.Debug, "Job {Job} cycle scored {Points} points of {SeriesCount} series ({Anomalies} anomalous) in {ElapsedMs:F1} ms")]
    public static partial void CycleDone(this ILogger logger, string job, int points, int seriesCount, int anomalies, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "Job {Job} query failed ({ErrorType}); the same range is retried next cycle, no point is lost")]
    public static partial void QueryFailed(this ILogger logger, Exception exception, string job, string errorType);

    [LoggerMessage(2003, LogLevel.Warning, "Job {Job}: history for {SeriesCount} new series could not be fetched; they warm up from live points")]
    public static partial void WarmupFailed(this ILogger logger, Exception exception, string job, int seriesCount);

    [LoggerMessage(2004, LogLevel.Warning, "Job {Job}: series {Series} appears more than once after the label allow-list; duplicates skipped")]
    public static partial void DuplicateSeries(this ILogger logger, string job, string series);

    [LoggerMessage(2005, LogLevel.Error, "Job {Job}: detector failed on series {Series}")]
    public static partial void DetectorFailed(this ILogger logger, Exception exception, string job, string series);

    [LoggerMessage(2006, LogLevel.Information, "Job {Job}: dropped {Count} series not seen for {Staleness}")]
    public static partial void DroppedStale(this ILogger logger, string job, int count, TimeSpan staleness);

    [LoggerMessage(2007, LogLevel.Warning, "Job {Job} fell {Points} points behind; catching up on the newest {Kept} only")]
    public static partial void CatchUpCapped(this ILogger logger, string job, long points, long kept);

    [LoggerMessage(2008, LogLevel.Information, "Job {Job} anomaly on {Series}: value {Value} expected {Expected} [{Lower}, {Upper}] score {Score:F2}")]
    public static partial void Anomaly(this ILogger logger, string job, string series, double value, double expected, double lower, double upper, double score);

    [LoggerMessage(2009, LogLevel.Error, "Job {Job} cycle failed unexpectedly")]
    public static partial void CycleCrashed(this ILogger logger, Exception exception, string job);

    [LoggerMessage(2010, LogLevel.Information, "Job {Job} scheduled every {Interval} (step {Step}, detector {Detector}, source {Source})")]
    public static partial void JobStarted(this ILogger logger, string job, TimeSpan interval, TimeSpan step, string detector, string source);

    [LoggerMessage(2011, LogLevel.Warning, "{Job} run overran its interval; {Skipped} tick(s) skipped so runs never overlap")]
    public static partial void Overrun(this ILogger logger, string job, long skipped);

    [LoggerMessage(2012, LogLevel.Information, "Job {Job} stopped")]
    public static partial void JobStopped(this ILogger logger, string job);

    [LoggerMessage(2013, LogLevel.Debug, "Job {Job}: saved the state of {SeriesCount} series to {Path}")]
    public static partial void StateSaved(this ILogger logger, string job, int seriesCount, string path);

    [LoggerMessage(2014, LogLevel.Error, "Job {Job}: could not save detector state to {Path}")]
    public static partial void StateSaveFailed(this ILogger logger, Exception exception, string job, string path);

    [LoggerMessage(2015, LogLevel.Information, "Job {Job}: restored {Restored} series from {Path} ({Skipped} unreadable, re-learning)")]
    public static partial void StateRestored(this ILogger logger, string job, int restored, int skipped, string path);

    [LoggerMessage(2016, LogLevel.Warning, "Job {Job}: ignoring unreadable state {Path}; warming up from history instead")]
    public static partial void StateRestoreFailed(this ILogger logger, Exception exception, string job, string path);

    [LoggerMessage(2017, LogLevel.Information, "Job {Job} model lifecycle: {Event} candidate {Version} {Detail}")]
    public static partial void LifecycleEvent(this ILogger logger, string job, string @event, string version, string detail);

    [LoggerMessage(2018, LogLevel.Error, "Job {Job}: model lifecycle tick failed; the active model keeps scoring")]
    public static partial void LifecycleFailed(this ILogger logger, Exception exception, string job);

    [LoggerMessage(2030, LogLevel.Information, "Model {Name} changed on disk and was reloaded; running series score with it from their next point")]
    public static partial void ModelReloaded(this ILogger logger, string name);

    [LoggerMessage(2031, LogLevel.Error, "A changed model file does not load; the running model stays")]
    public static partial void ModelReloadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2040, LogLevel.Debug, "{Work} scheduled every {Interval}")]
    public static partial void WorkScheduled(this ILogger logger, string work, TimeSpan interval);

    [LoggerMessage(2041, LogLevel.Error, "{Work} run failed; the next tick runs again")]
    public static partial void WorkFailed(this ILogger logger, Exception exception, string work);

    [LoggerMessage(2042, LogLevel.Error, "{Work} failed while stopping")]
    public static partial void WorkStopFailed(this ILogger logger, Exception exception, string work);

    [LoggerMessage(2043, LogLevel.Debug, "{Work} stopped")]
    public static partial void WorkStopped(this ILogger logger, string work);

    [LoggerMessage(2060, LogLevel.Error, "Verdict sink {Sink} failed on a batch of {Source}; the other sinks received it")]
    public static partial void SinkFailed(this ILogger logger, Exception exception, string sink, string source);

    [LoggerMessage(2061, LogLevel.Warning, "Anomaly episode opened: {Source} {Series} at {StartMs} (score {Score:F2}, value {Value}, expected {Expected}, test {Test})")]
    public static partial void EpisodeOpened(this ILogger logger, string source, string series, long startMs, double score, double value, double expected, string test);

    [LoggerMessage(2062, LogLevel.Information, "Anomaly episode closed: {Source} {Series} from {StartMs} to {EndMs}, {Points} anomalous point(s), peak score {Score:F2} at {PeakMs} (value {Value}, expected {Expected}, test {Test})")]
    public static partial void EpisodeClosed(this ILogger logger, string source, string series, long startMs, long endMs, int points, double score, long peakMs, double value, double expected, string test);

    [LoggerMessage(2020, LogLevel.Information, "Job {Job}: {Warming} series warming up (detector not mature, no score yet); first scores within {Duration} at most (the detector's history window)")]
    public static partial void WarmupStarted(this ILogger logger, string job, int warming, TimeSpan duration);

    [LoggerMessage(2021, LogLevel.Information, "Job {Job}: first scores after warm-up ({Scored} points scored; {Warming} series still warming)")]
    public static partial void FirstScores(this ILogger logger, string job, int scored, int warming);

    [LoggerMessage(2019, LogLevel.Information, "Job {Job}: feedback {Kind} for [{FromMs}, {ToMs}] applied to {Series} series")]
    public static partial void FeedbackApplied(this ILogger logger, string job, string kind, long fromMs, long toMs, int series);

    [LoggerMessage(EventId = 2064, Message = "Job {Source}: {Opened} more episode(s) opened and {Closed} closed in this cycle, not logged one by one (the first {Logged} were; episodes.log_lines_per_cycle); vigil_anomaly_episodes_total counts every onset")]
    public static partial void EpisodeLinesNotLogged(this ILogger logger, LogLevel level, string source, int opened, int closed, int logged);

    [LoggerMessage(2063, LogLevel.Information, "Episode onset of {Source} {Series} at {StartMs} suppressed: an operator marked the range not_anomaly")]
    public static partial void EpisodeSuppressed(this ILogger logger, string source, string series, long startMs);
}
