using Vigil.Pipeline.History;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// Keeps each job's detector state in <c>{state_dir}/{job}.state</c>. Writes are atomic (temporary file, flush to
/// disk, rename) so a crash mid-write leaves the previous snapshot intact; an unreadable snapshot is logged, counted
/// and ignored, and the job warms up from history as on a first start. With a <see cref="RecentHistory"/>, each job's
/// chart history is saved and restored with its detector state.
/// </summary>
public sealed class JobStateStore(StateSnapshotOptions options, VigilMetrics metrics, ILogger<JobStateStore> logger, RecentHistory? history = null)
{
    public const string ErrorType = ErrorTypes.StateSnapshot;

    public bool Enabled => options.Directory is not null;

    public TimeSpan Interval => options.Interval;

    public void Save(JobRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (options.Directory is not { } directory)
        {
            return;
        }

        var path = PathFor(directory, runner.Name);
        var temp = path + ".tmp";
        try
        {
            Directory.CreateDirectory(directory);
            int written;
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                written = runner.SaveState(stream, history);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            logger.StateSaved(runner.Name, written, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            metrics.CountError(ErrorType, runner.Name);
            logger.StateSaveFailed(ex, runner.Name, path);
        }
    }

    public void Restore(JobRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (options.Directory is not { } directory)
        {
            return;
        }

        var path = PathFor(directory, runner.Name);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var (restored, skipped) = runner.RestoreState(stream, history);
            metrics.RestoredSeries.WithLabels(runner.Name).Set(restored);
            logger.StateRestored(runner.Name, restored, skipped, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or EndOfStreamException)
        {
            metrics.CountError(ErrorType, runner.Name);
            logger.StateRestoreFailed(ex, runner.Name, path);
        }
    }

    private static string PathFor(string directory, string job) => Path.Combine(directory, job + ".state");
}

/// <summary>Where and how often job state is snapshotted (<c>server.state_dir</c>, <c>server.snapshot_interval</c>).</summary>
public sealed record StateSnapshotOptions
{
    /// <summary>Directory of the <c>{job}.state</c> files; null: no snapshots.</summary>
    public required string? Directory { get; init; }

    /// <summary>How often a running job's state is written, besides when it stops.</summary>
    public required TimeSpan Interval { get; init; }
}
