using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;

namespace Vigil.Pipeline;

/// <summary>
/// What <see cref="PipelineServiceCollectionExtensions.AddVigilPipeline"/> needs, mapped by the host from the
/// validated configuration (the configuration keeps the defaults; this record defines none of its own for them).
/// </summary>
public sealed record PipelineOptions
{
    public required IReadOnlyList<JobOptions> Jobs { get; init; }

    /// <summary>A series not returned for this long is dropped from state and from the sinks (<c>server.series_staleness</c>).</summary>
    public required TimeSpan SeriesStaleness { get; init; }

    /// <summary>On shutdown a running cycle gets this long to finish (<c>server.shutdown_grace</c>).</summary>
    public required TimeSpan ShutdownGrace { get; init; }

    public required StateSnapshotOptions State { get; init; }

    public required ReplayOptions Replay { get; init; }

    public RecentHistoryOptions History { get; init; } = new();

    public EpisodeOptions Episodes { get; init; } = new();
}
