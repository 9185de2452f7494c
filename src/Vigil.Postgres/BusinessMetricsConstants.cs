namespace Vigil.Postgres;

internal static class BusinessMetricsConstants
{
    // Advisory lock keys share one 64-bit space per database with every other application: fixed, distinctive
    // values ("VIGIL" in ASCII in the high bytes) rather than small integers another tool might also pick.
    public const long MigrationLockKey = 0x5649_4749_4C00_0001;
    public const long LeaderLockKey = 0x5649_4749_4C00_0002;

    /// <summary>
    /// Transaction-level lock between ingest (shared) and aggregation (exclusive): an ingest transaction either
    /// commits before the aggregation statement takes its snapshot, or reads the advanced watermark and marks
    /// its late minutes dirty. Without it an event committed just after the snapshot could be lost.
    /// </summary>
    public const long AggregationLockKey = 0x5649_4749_4C00_0003;

    /// <summary>
    /// Grace a running aggregation gets on shutdown when the business metrics run without the service's scheduler
    /// (a worker, a test); `vigil run` registers its scheduler first, with <c>server.shutdown_grace</c>.
    /// </summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);
}
