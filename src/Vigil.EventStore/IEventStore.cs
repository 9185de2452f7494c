using Vigil.Core.Series;

namespace Vigil.EventStore;

/// <summary>
/// Vigil's durable record of what happened: anomaly episodes, operator feedback, inspection reports, alert delivery
/// state and dedup keys. Two back ends pass one contract test suite: SQLite (embedded, a file in
/// <c>server.state_dir</c>) and PostgreSQL (shared by replicas).
/// <para>Contract, for every method:</para>
/// <list type="bullet">
/// <item>Invalid input (empty or oversized names, ranges that end before they start, invalid JSON, page sizes out of
/// range; see <see cref="EventStoreLimits"/>) throws <see cref="ArgumentException"/> naming the field, before anything
/// is written.</item>
/// <item>Timestamps are stored to the millisecond (sub-millisecond parts are truncated) and read back in UTC.</item>
/// <item>Writes are atomic and durable when the returned task completes; reads see every completed write, from this
/// instance or another one on the same database.</item>
/// <item>Store failures (disk, connection) surface as the provider's exception; callers count them as
/// <c>vigil_errors_total{error_type="event_store"}</c> and keep running.</item>
/// <item><see cref="MigrateAsync"/> must have run (the registered hosted service runs it at start-up).</item>
/// </list>
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Creates or upgrades the schema to the version this code knows. Idempotent, and safe when several processes run
    /// it at once. Throws <see cref="EventStoreSchemaException"/> when the schema is newer than this code.
    /// </summary>
    /// <returns>The schema versions applied by this call; empty when the schema was up to date.</returns>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>The schema version of the database (0 before the first migration).</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the episode, or updates the one with the same identity (source, job, series, detector, start): end,
    /// peak, test, point count and context are replaced (last write wins). Record an onset with a null end, later
    /// states as the peak moves, and the close with its end. Returns the stored episode (id, updated time).
    /// </summary>
    Task<AnomalyEpisode> RecordEpisodeAsync(AnomalyEpisode episode, CancellationToken cancellationToken);

    /// <summary>The episode with this id, or null.</summary>
    Task<AnomalyEpisode?> GetEpisodeAsync(long id, CancellationToken cancellationToken);

    /// <summary>One page of episodes matching the query, newest first (start descending, then id descending).</summary>
    Task<EpisodePage> QueryEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken);

    /// <summary>Every open episode (of one job, or of all jobs when <paramref name="job"/> is null), newest first.</summary>
    Task<IReadOnlyList<AnomalyEpisode>> ListOpenEpisodesAsync(string? job, CancellationToken cancellationToken);

    /// <summary>Stores operator feedback; returns it with its id and creation time (the store's clock).</summary>
    Task<OperatorFeedback> AddFeedbackAsync(OperatorFeedback feedback, CancellationToken cancellationToken);

    /// <summary>
    /// Feedback that applies to <paramref name="series"/> of <paramref name="job"/> (exact target, or a selector that
    /// matches it) and whose range overlaps [<paramref name="from"/>, <paramref name="to"/>], oldest first: the
    /// order in which a restored detector re-applies it.
    /// </summary>
    Task<IReadOnlyList<OperatorFeedback>> GetFeedbackForSeriesAsync(string job, Labels series, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The newest feedback (of one job, or of all), newest first, at most <paramref name="limit"/> items.</summary>
    Task<IReadOnlyList<OperatorFeedback>> ListFeedbackAsync(string? job, int limit, CancellationToken cancellationToken);

    /// <summary>Stores an inspection round's report, replacing a report with the same round id.</summary>
    Task SaveInspectionReportAsync(InspectionReport report, CancellationToken cancellationToken);

    /// <summary>The report of the round that started last, or null when none was saved.</summary>
    Task<InspectionReport?> GetLatestInspectionReportAsync(CancellationToken cancellationToken);

    /// <summary>Reports of rounds that started in [<paramref name="from"/>, <paramref name="to"/>], newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<InspectionReport>> ListInspectionReportsAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>Inserts or updates the alert with this key (the first send time of an existing key is kept); returns the stored state.</summary>
    Task<AlertState> SaveAlertAsync(AlertState alert, CancellationToken cancellationToken);

    /// <summary>The alert with this key, or null.</summary>
    Task<AlertState?> GetAlertAsync(string key, CancellationToken cancellationToken);

    /// <summary>Alerts with the given status (all when null), most recently sent first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AlertState>> ListAlertsAsync(AlertStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="window"/> from now (the store's clock) if nobody holds it or
    /// the last claim has expired. Atomic across every instance sharing the database: of concurrent claimers exactly
    /// one gets true. This is the alert dedup window ("at most once per 30 minutes", across replicas and restarts).
    /// </summary>
    Task<bool> TryClaimDedupKeyAsync(string key, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Deletes dedup keys that expired before now; returns how many. Expired keys are already claimable: this only reclaims space.</summary>
    Task<int> PurgeExpiredDedupKeysAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records a new log template unless (source, template id) is already stored: the first sighting wins, so a
    /// re-read after a restart or a second replica changes nothing. True when this call stored it.
    /// </summary>
    Task<bool> RecordNewLogTemplateAsync(LogTemplateRecord template, CancellationToken cancellationToken);

    /// <summary>
    /// New templates first seen in [<paramref name="from"/>, <paramref name="to"/>] (of one source, or of all when
    /// <paramref name="source"/> is null), newest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<LogTemplateRecord>> ListNewLogTemplatesAsync(string? source, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);
}
