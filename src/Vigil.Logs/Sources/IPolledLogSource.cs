using Vigil.Logs.Configuration;

namespace Vigil.Logs.Sources;

/// <summary>
/// A source that is read by polling and implemented outside this assembly: Kubernetes pod logs live in
/// Vigil.Logs.Kubernetes so that the Kubernetes client (and its dependencies) stays out of anything that only mines
/// files, syslog or Loki. The log service runs it like the built-in pollers: poll, mine, checkpoint, repeat.
/// </summary>
public interface IPolledLogSource
{
    TimeSpan PollInterval { get; }

    /// <summary>The lines that are new since the previous poll (or since the checkpoint the source was created from).</summary>
    /// <exception cref="LogSourceException">The read failed; nothing moved, the next poll retries.</exception>
    Task<IReadOnlyList<string>> PollAsync(CancellationToken cancellationToken);

    /// <summary>Writes where the source has read up to, so that a restart neither loses nor re-reads lines.</summary>
    void SaveCheckpoint(string path);
}

/// <summary>Creates the <see cref="IPolledLogSource"/> of one source kind (registered by the assembly that implements it).</summary>
public interface IPolledLogSourceFactory
{
    /// <summary>The <c>type</c> of the source in the <c>logs:</c> section (<c>kubernetes</c>).</summary>
    string Kind { get; }

    /// <remarks><paramref name="checkpointPath"/>: the checkpoint to resume from when the file exists; null: no state is kept.</remarks>
    IPolledLogSource Create(LogSourceOptions source, string? checkpointPath, TimeProvider time);
}

/// <summary>A source could not be read this time (server unreachable, error answer); counted as <c>log_source</c> and retried.</summary>
public class LogSourceException : Exception
{
    public LogSourceException()
    {
    }

    public LogSourceException(string message)
        : base(message)
    {
    }

    public LogSourceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
