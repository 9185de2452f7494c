namespace Vigil.Pipeline.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>On shutdown a running run gets this long to finish before its token is cancelled (<c>server.shutdown_grace</c>).</summary>
    public required TimeSpan ShutdownGrace { get; init; }
}
