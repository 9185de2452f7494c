using System.Diagnostics;

namespace Vigil.Postgres.Tracing;

/// <summary>
/// Business metrics' spans (docs/tracing.md): <c>vigil.business.ingest</c> (one batch of events),
/// <c>vigil.business.cycle</c> (the scheduled work: lease, then <c>vigil.business.aggregate</c> and
/// <c>vigil.business.score</c>). The SQL under them is traced by Npgsql's own source (Npgsql.OpenTelemetry).
/// </summary>
public static class BusinessTracing
{
    public const string SourceName = "Vigil.Postgres";

    public const string Ingest = "vigil.business.ingest";
    public const string Cycle = "vigil.business.cycle";
    public const string Aggregate = "vigil.business.aggregate";
    public const string Score = "vigil.business.score";

    internal static readonly ActivitySource Source = new(SourceName, typeof(BusinessTracing).Assembly.GetName().Version?.ToString());
}
