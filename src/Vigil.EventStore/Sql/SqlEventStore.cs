using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Core.Series;

namespace Vigil.EventStore.Sql;

/// <summary>
/// The event store over ADO.NET, shared by both back ends: the schema keeps one representation in both (times as Unix
/// epoch milliseconds, JSON as text, enums as lower-case names), so every statement below runs unchanged on SQLite and
/// PostgreSQL (<c>@name</c> parameters, <c>INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING</c>). A back end
/// supplies connections, the migration lock and its migration scripts.
/// </summary>
internal abstract class SqlEventStore : IEventStore
{
    private const string EpisodeColumns = "id, source, job, labels, detector, start_ms, end_ms, peak_ms, peak_score, peak_value, peak_expected, test, anomalous_points, context, updated_ms";
    private const string FeedbackColumns = "id, job, target, labels, from_ms, to_ms, kind, author, comment, created_ms";
    private const string AlertColumns = "alert_key, status, first_sent_ms, last_sent_ms, payload, updated_ms";

    private readonly ILogger _logger;

    protected SqlEventStore(TimeProvider time, ILogger logger)
    {
        Time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    protected TimeProvider Time { get; }

    /// <summary>A name for messages: "SQLite event store at ...", "PostgreSQL event store".</summary>
    protected abstract string Description { get; }

    protected abstract IReadOnlyList<MigrationScript> Migrations { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins the migration transaction holding a lock that serialises concurrent migrators.</summary>
    protected abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs before the migration transaction (settings that cannot change inside one, such as SQLite's journal mode).</summary>
    protected virtual Task BeforeMigrationAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await BeforeMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS event_store_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        var current = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var known = Migrations[^1].Version;
        if (current > known)
        {
            // A newer Vigil migrated this store: old code must not write to a schema it does not know.
            throw new EventStoreSchemaException(string.Create(
                CultureInfo.InvariantCulture,
                $"The {Description} has schema version {current}, newer than the {known} this version of Vigil knows. Upgrade Vigil, or point it at another store."));
        }

        var applied = new List<int>();
        foreach (var migration in Migrations.Where(m => m.Version > current))
        {
            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException ex)
            {
                throw new EventStoreSchemaException($"Migration {migration.Version} ({migration.Name}) of the {Description} failed: {ex.Message}", ex);
            }

            await ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO event_store_schema (version, name, applied_ms) VALUES (@version, @name, @applied)",
                cancellationToken,
                ("version", migration.Version),
                ("name", migration.Name),
                ("applied", Codec.Ms(Time.GetUtcNow()))).ConfigureAwait(false);
            applied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var version in applied)
        {
            LogMessages.MigrationApplied(_logger, Description, version, Migrations.First(m => m.Version == version).Name);
        }

        return applied;
    }

    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!await SchemaTableExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        return await ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    protected abstract Task<bool> SchemaTableExistsAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task<AnomalyEpisode> RecordEpisodeAsync(AnomalyEpisode episode, CancellationToken cancellationToken)
    {
        EventStoreValidation.Episode(episode);
        var series = episode.Series.ToString();
        var now = Codec.Ms(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            """
            INSERT INTO anomaly_episodes (source, job, series_hash, series, labels, detector, start_ms, end_ms, peak_ms, peak_score, peak_value, peak_expected, test, anomalous_points, context, updated_ms)
            VALUES (@source, @job, @series_hash, @series, @labels, @detector, @start, @end, @peak, @score, @value, @expected, @test, @points, @context, @now)
            ON CONFLICT (source, job, series_hash, detector, start_ms) DO UPDATE SET
                end_ms = excluded.end_ms, peak_ms = excluded.peak_ms, peak_score = excluded.peak_score, peak_value = excluded.peak_value,
                peak_expected = excluded.peak_expected, test = excluded.test, anomalous_points = excluded.anomalous_points,
                context = excluded.context, updated_ms = excluded.updated_ms
            RETURNING id
            """,
            ("source", episode.Source),
            ("job", episode.Job),
            ("series_hash", Codec.SeriesHash(series)),
            ("series", series),
            ("labels", Codec.LabelsJson(episode.Series)),
            ("detector", episode.Detector),
            ("start", Codec.Ms(episode.Start)),
            ("end", episode.End is { } end ? Codec.Ms(end) : null),
            ("peak", Codec.Ms(episode.PeakAt)),
            ("score", episode.PeakScore),
            ("value", episode.PeakValue),
            ("expected", episode.PeakExpected),
            ("test", Codec.Name(episode.Test)),
            ("points", episode.AnomalousPoints),
            ("context", episode.Context),
            ("now", now));
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return episode with
        {
            Id = id,
            Start = Codec.Time(Codec.Ms(episode.Start)),
            End = episode.End is { } e ? Codec.Time(Codec.Ms(e)) : null,
            PeakAt = Codec.Time(Codec.Ms(episode.PeakAt)),
            UpdatedAt = Codec.Time(now),
        };
    }

    public async Task<AnomalyEpisode?> GetEpisodeAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {EpisodeColumns} FROM anomaly_episodes WHERE id = @id", ("id", id));
        var episodes = await ReadEpisodesAsync(command, cancellationToken).ConfigureAwait(false);
        return episodes.Count == 0 ? null : episodes[0];
    }

    public async Task<EpisodePage> QueryEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        EventStoreValidation.OptionalName(query.Source, "query.source");
        EventStoreValidation.OptionalName(query.Job, "query.job");
        EventStoreValidation.Limit(query.Limit, "query.limit");
        if (query is { From: { } f, To: { } t })
        {
            EventStoreValidation.Range(f, t, "query.to");
        }

        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Source is { } source)
        {
            where.Add("source = @source");
            parameters.Add(("source", source));
        }

        if (query.Job is { } job)
        {
            where.Add("job = @job");
            parameters.Add(("job", job));
        }

        if (query.Series is { } series)
        {
            where.Add("series_hash = @series_hash");
            parameters.Add(("series_hash", Codec.SeriesHash(EventStoreValidation.Series(series, "query.series"))));
        }

        if (query.To is { } to)
        {
            where.Add("start_ms <= @to");
            parameters.Add(("to", Codec.Ms(to)));
        }

        if (query.From is { } from)
        {
            where.Add("(end_ms IS NULL OR end_ms >= @from)");
            parameters.Add(("from", Codec.Ms(from)));
        }

        if (query.OpenOnly)
        {
            where.Add("end_ms IS NULL");
        }

        if (query.PageToken is { } token)
        {
            var (afterStart, afterId) = Codec.ParsePageToken(token);
            where.Add("(start_ms < @after_start OR (start_ms = @after_start AND id < @after_id))");
            parameters.Add(("after_start", afterStart));
            parameters.Add(("after_id", afterId));
        }

        // One row more than the page tells whether a next page exists without a COUNT.
        parameters.Add(("limit", query.Limit + 1));
        var sql = new StringBuilder($"SELECT {EpisodeColumns} FROM anomaly_episodes");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        sql.Append(" ORDER BY start_ms DESC, id DESC LIMIT @limit");
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql.ToString(), [.. parameters]);
        var items = await ReadEpisodesAsync(command, cancellationToken).ConfigureAwait(false);
        if (items.Count <= query.Limit)
        {
            return new EpisodePage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1];
        return new EpisodePage(items, Codec.PageToken(Codec.Ms(last.Start), last.Id));
    }

    public async Task<IReadOnlyList<AnomalyEpisode>> ListOpenEpisodesAsync(string? job, CancellationToken cancellationToken)
    {
        EventStoreValidation.OptionalName(job, nameof(job));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = job is null
            ? Command(connection, null, $"SELECT {EpisodeColumns} FROM anomaly_episodes WHERE end_ms IS NULL ORDER BY start_ms DESC, id DESC")
            : Command(connection, null, $"SELECT {EpisodeColumns} FROM anomaly_episodes WHERE end_ms IS NULL AND job = @job ORDER BY start_ms DESC, id DESC", ("job", job));
        return await ReadEpisodesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OperatorFeedback> AddFeedbackAsync(OperatorFeedback feedback, CancellationToken cancellationToken)
    {
        EventStoreValidation.Feedback(feedback);
        var created = Codec.Ms(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            """
            INSERT INTO operator_feedback (job, target, series, labels, from_ms, to_ms, kind, author, comment, created_ms)
            VALUES (@job, @target, @series, @labels, @from, @to, @kind, @author, @comment, @created)
            RETURNING id
            """,
            ("job", feedback.Target.Job),
            ("target", feedback.Target.IsSelector ? "selector" : "series"),
            ("series", feedback.Target.Labels.ToString()),
            ("labels", Codec.LabelsJson(feedback.Target.Labels)),
            ("from", Codec.Ms(feedback.From)),
            ("to", Codec.Ms(feedback.To)),
            ("kind", Codec.Name(feedback.Kind)),
            ("author", feedback.Author),
            ("comment", feedback.Comment),
            ("created", created));
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return feedback with
        {
            Id = id,
            From = Codec.Time(Codec.Ms(feedback.From)),
            To = Codec.Time(Codec.Ms(feedback.To)),
            CreatedAt = Codec.Time(created),
        };
    }

    public async Task<IReadOnlyList<OperatorFeedback>> GetFeedbackForSeriesAsync(string job, Labels series, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        EventStoreValidation.Name(job, nameof(job));
        EventStoreValidation.Series(series, nameof(series));
        EventStoreValidation.Range(from, to, nameof(to));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Overlap in SQL (indexed by job and range); selector matching in code, since matchers are label subsets.
        await using var command = Command(
            connection,
            null,
            $"SELECT {FeedbackColumns} FROM operator_feedback WHERE job = @job AND from_ms <= @to AND to_ms >= @from ORDER BY created_ms, id",
            ("job", job),
            ("from", Codec.Ms(from)),
            ("to", Codec.Ms(to)));
        var all = await ReadFeedbackAsync(command, cancellationToken).ConfigureAwait(false);
        return [.. all.Where(f => f.Target.Matches(series))];
    }

    public async Task<IReadOnlyList<OperatorFeedback>> ListFeedbackAsync(string? job, int limit, CancellationToken cancellationToken)
    {
        EventStoreValidation.OptionalName(job, nameof(job));
        EventStoreValidation.Limit(limit, nameof(limit));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = job is null
            ? Command(connection, null, $"SELECT {FeedbackColumns} FROM operator_feedback ORDER BY created_ms DESC, id DESC LIMIT @limit", ("limit", limit))
            : Command(connection, null, $"SELECT {FeedbackColumns} FROM operator_feedback WHERE job = @job ORDER BY created_ms DESC, id DESC LIMIT @limit", ("job", job), ("limit", limit));
        return await ReadFeedbackAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveInspectionReportAsync(InspectionReport report, CancellationToken cancellationToken)
    {
        EventStoreValidation.Report(report);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO inspection_reports (round_id, started_ms, finished_ms, body, errors) VALUES (@round, @started, @finished, @body, @errors)
            ON CONFLICT (round_id) DO UPDATE SET started_ms = excluded.started_ms, finished_ms = excluded.finished_ms, body = excluded.body, errors = excluded.errors
            """,
            cancellationToken,
            ("round", report.RoundId),
            ("started", Codec.Ms(report.StartedAt)),
            ("finished", Codec.Ms(report.FinishedAt)),
            ("body", report.Body),
            ("errors", Codec.StringsJson(report.Errors))).ConfigureAwait(false);
    }

    public async Task<InspectionReport?> GetLatestInspectionReportAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT round_id, started_ms, finished_ms, body, errors FROM inspection_reports ORDER BY started_ms DESC, round_id DESC LIMIT 1");
        var reports = await ReadReportsAsync(command, cancellationToken).ConfigureAwait(false);
        return reports.Count == 0 ? null : reports[0];
    }

    public async Task<IReadOnlyList<InspectionReport>> ListInspectionReportsAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        EventStoreValidation.Range(from, to, nameof(to));
        EventStoreValidation.Limit(limit, nameof(limit));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            "SELECT round_id, started_ms, finished_ms, body, errors FROM inspection_reports WHERE started_ms >= @from AND started_ms <= @to ORDER BY started_ms DESC, round_id DESC LIMIT @limit",
            ("from", Codec.Ms(from)),
            ("to", Codec.Ms(to)),
            ("limit", limit));
        return await ReadReportsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RecordNewLogTemplateAsync(LogTemplateRecord template, CancellationToken cancellationToken)
    {
        EventStoreValidation.LogTemplate(template);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var inserted = await ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO log_templates (source, template_id, template, first_seen_ms, recorded_ms) VALUES (@source, @id, @template, @first, @now)
            ON CONFLICT (source, template_id) DO NOTHING
            """,
            cancellationToken,
            ("source", template.Source),
            ("id", template.TemplateId),
            ("template", template.Template),
            ("first", Codec.Ms(template.FirstSeen)),
            ("now", Codec.Ms(Time.GetUtcNow()))).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<IReadOnlyList<LogTemplateRecord>> ListNewLogTemplatesAsync(string? source, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        EventStoreValidation.OptionalName(source, nameof(source));
        EventStoreValidation.Range(from, to, nameof(to));
        EventStoreValidation.Limit(limit, nameof(limit));
        const string Columns = "source, template_id, template, first_seen_ms, recorded_ms";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = source is null
            ? Command(connection, null, $"SELECT {Columns} FROM log_templates WHERE first_seen_ms >= @from AND first_seen_ms <= @to ORDER BY first_seen_ms DESC, source, template_id LIMIT @limit", ("from", Codec.Ms(from)), ("to", Codec.Ms(to)), ("limit", limit))
            : Command(connection, null, $"SELECT {Columns} FROM log_templates WHERE source = @source AND first_seen_ms >= @from AND first_seen_ms <= @to ORDER BY first_seen_ms DESC, source, template_id LIMIT @limit", ("source", source), ("from", Codec.Ms(from)), ("to", Codec.Ms(to)), ("limit", limit));
        var templates = new List<LogTemplateRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            templates.Add(new LogTemplateRecord
            {
                Source = reader.GetString(0),
                TemplateId = reader.GetInt64(1),
                Template = reader.GetString(2),
                FirstSeen = Codec.Time(reader.GetInt64(3)),
                RecordedAt = Codec.Time(reader.GetInt64(4)),
            });
        }

        return templates;
    }

    public async Task<AlertState> SaveAlertAsync(AlertState alert, CancellationToken cancellationToken)
    {
        EventStoreValidation.Alert(alert);
        var now = Codec.Ms(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            $"""
            INSERT INTO alert_states (alert_key, status, first_sent_ms, last_sent_ms, payload, updated_ms) VALUES (@key, @status, @first, @last, @payload, @now)
            ON CONFLICT (alert_key) DO UPDATE SET status = excluded.status, last_sent_ms = excluded.last_sent_ms, payload = excluded.payload, updated_ms = excluded.updated_ms
            RETURNING {AlertColumns}
            """,
            ("key", alert.Key),
            ("status", Codec.Name(alert.Status)),
            ("first", Codec.Ms(alert.FirstSentAt)),
            ("last", Codec.Ms(alert.LastSentAt)),
            ("payload", alert.Payload),
            ("now", now));
        return (await ReadAlertsAsync(command, cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<AlertState?> GetAlertAsync(string key, CancellationToken cancellationToken)
    {
        EventStoreValidation.Key(key, nameof(key));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {AlertColumns} FROM alert_states WHERE alert_key = @key", ("key", key));
        var alerts = await ReadAlertsAsync(command, cancellationToken).ConfigureAwait(false);
        return alerts.Count == 0 ? null : alerts[0];
    }

    public async Task<IReadOnlyList<AlertState>> ListAlertsAsync(AlertStatus? status, int limit, CancellationToken cancellationToken)
    {
        EventStoreValidation.Limit(limit, nameof(limit));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = status is { } s
            ? Command(connection, null, $"SELECT {AlertColumns} FROM alert_states WHERE status = @status ORDER BY last_sent_ms DESC, alert_key LIMIT @limit", ("status", Codec.Name(s)), ("limit", limit))
            : Command(connection, null, $"SELECT {AlertColumns} FROM alert_states ORDER BY last_sent_ms DESC, alert_key LIMIT @limit", ("limit", limit));
        return await ReadAlertsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryClaimDedupKeyAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        EventStoreValidation.Key(key, nameof(key));
        EventStoreValidation.DedupWindow(window);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One statement, so one atomic decision in both databases: insert, or take over an expired claim. A live claim
        // makes the WHERE false and the statement changes nothing (PostgreSQL re-checks it on the row's latest
        // version after waiting for a concurrent claimer; SQLite serialises writers).
        var changed = await ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO dedup_keys (dedup_key, claimed_ms, expires_ms) VALUES (@key, @now, @expires)
            ON CONFLICT (dedup_key) DO UPDATE SET claimed_ms = excluded.claimed_ms, expires_ms = excluded.expires_ms
            WHERE dedup_keys.expires_ms <= excluded.claimed_ms
            """,
            cancellationToken,
            ("key", key),
            ("now", Codec.Ms(now)),
            ("expires", Codec.Ms(now + window))).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task<int> PurgeExpiredDedupKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, "DELETE FROM dedup_keys WHERE expires_ms <= @now", cancellationToken, ("now", Codec.Ms(Time.GetUtcNow()))).ConfigureAwait(false);
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM event_store_schema");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task<List<AnomalyEpisode>> ReadEpisodesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var episodes = new List<AnomalyEpisode>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            episodes.Add(new AnomalyEpisode
            {
                Id = reader.GetInt64(0),
                Source = reader.GetString(1),
                Job = reader.GetString(2),
                Series = Codec.ParseLabels(reader.GetString(3)),
                Detector = reader.GetString(4),
                Start = Codec.Time(reader.GetInt64(5)),
                End = reader.IsDBNull(6) ? null : Codec.Time(reader.GetInt64(6)),
                PeakAt = Codec.Time(reader.GetInt64(7)),
                PeakScore = reader.GetDouble(8),
                PeakValue = reader.GetDouble(9),
                PeakExpected = reader.GetDouble(10),
                Test = Codec.ParseTest(reader.GetString(11)),
                AnomalousPoints = reader.GetInt32(12),
                Context = reader.IsDBNull(13) ? null : reader.GetString(13),
                UpdatedAt = Codec.Time(reader.GetInt64(14)),
            });
        }

        return episodes;
    }

    private static async Task<List<OperatorFeedback>> ReadFeedbackAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var feedback = new List<OperatorFeedback>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var job = reader.GetString(1);
            var labels = Codec.ParseLabels(reader.GetString(3));
            feedback.Add(new OperatorFeedback
            {
                Id = reader.GetInt64(0),
                Target = reader.GetString(2) == "selector" ? FeedbackTarget.Selector(job, labels) : FeedbackTarget.Series(job, labels),
                From = Codec.Time(reader.GetInt64(4)),
                To = Codec.Time(reader.GetInt64(5)),
                Kind = Codec.ParseKind(reader.GetString(6)),
                Author = reader.GetString(7),
                Comment = reader.IsDBNull(8) ? null : reader.GetString(8),
                CreatedAt = Codec.Time(reader.GetInt64(9)),
            });
        }

        return feedback;
    }

    private static async Task<List<InspectionReport>> ReadReportsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var reports = new List<InspectionReport>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            reports.Add(new InspectionReport
            {
                RoundId = reader.GetString(0),
                StartedAt = Codec.Time(reader.GetInt64(1)),
                FinishedAt = Codec.Time(reader.GetInt64(2)),
                Body = reader.GetString(3),
                Errors = Codec.ParseStrings(reader.GetString(4)),
            });
        }

        return reports;
    }

    private static async Task<List<AlertState>> ReadAlertsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var alerts = new List<AlertState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            alerts.Add(new AlertState
            {
                Key = reader.GetString(0),
                Status = Codec.ParseStatus(reader.GetString(1)),
                FirstSentAt = Codec.Time(reader.GetInt64(2)),
                LastSentAt = Codec.Time(reader.GetInt64(3)),
                Payload = reader.GetString(4),
                UpdatedAt = Codec.Time(reader.GetInt64(5)),
            });
        }

        return alerts;
    }
}
