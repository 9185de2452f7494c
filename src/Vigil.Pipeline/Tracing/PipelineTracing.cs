using System.Diagnostics;

namespace Vigil.Pipeline.Tracing;

/// <summary>
/// The pipeline's spans (docs/tracing.md): one <c>vigil.job.cycle</c> per job cycle, with children for the fetch
/// (<c>vigil.job.fetch</c>, <c>vigil.job.warm</c>), the scoring (<c>vigil.job.score</c>) and the publication to the
/// sinks (<c>vigil.job.publish</c>). Spans are per cycle, never per point: the scoring loop stays allocation-free.
/// With no listener (tracing off, the default) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null after one check, so the cost is a branch per span site.
/// </summary>
public static class PipelineTracing
{
    public const string SourceName = "Vigil.Pipeline";

    public const string Cycle = "vigil.job.cycle";
    public const string Fetch = "vigil.job.fetch";
    public const string Warm = "vigil.job.warm";
    public const string Score = "vigil.job.score";
    public const string Publish = "vigil.job.publish";

    // One static source per assembly is the ActivitySource model: listeners subscribe by name, so DI adds nothing.
    internal static readonly ActivitySource Source = new(SourceName, typeof(PipelineTracing).Assembly.GetName().Version?.ToString());
}
