using System.Globalization;
using Vigil.Configuration;

namespace Vigil.EventStore;

public enum EventStoreBackend
{
    /// <summary>An embedded SQLite file (the default: no server needed).</summary>
    Sqlite = 0,

    /// <summary>The host's PostgreSQL (its registered <c>NpgsqlDataSource</c>), shared by every replica.</summary>
    Postgres = 1,
}

/// <summary>Where Vigil keeps episodes, feedback, inspection reports, alert state and dedup keys. Defaults live here only; immutable (change with <c>with</c>).</summary>
public sealed record EventStoreOptions
{
    /// <summary>The SQLite file's name inside <c>server.state_dir</c>.</summary>
    public const string DefaultSqliteFileName = "events.db";

    /// <summary>Default <see cref="EventStoreBackend.Sqlite"/>; the host chooses Postgres when <c>business</c>/<c>database</c> is configured.</summary>
    public EventStoreBackend Backend { get; init; } = EventStoreBackend.Sqlite;

    /// <summary>The SQLite file (required for SQLite; see <see cref="ForStateDirectory"/>). Its directory is created if missing.</summary>
    public string? SqlitePath { get; init; }

    /// <summary>How long a SQLite write waits for another writer (another process on the same file) before failing. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Create or upgrade the schema when the host starts. Default true.</summary>
    public bool MigrateOnStartup { get; init; } = true;

    /// <summary>The embedded default: SQLite in <c>{stateDirectory}/events.db</c>.</summary>
    public static EventStoreOptions ForStateDirectory(string stateDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        return new EventStoreOptions { Backend = EventStoreBackend.Sqlite, SqlitePath = Path.Combine(stateDirectory, DefaultSqliteFileName) };
    }

    /// <summary>Every problem as <c>field: message</c>; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Backend))
        {
            errors.Add($"event_store.backend: unknown back end {Backend}");
        }

        if (Backend == EventStoreBackend.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            errors.Add("event_store.sqlite_path: required for the SQLite back end (set server.state_dir)");
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"event_store.busy_timeout: must be positive and at most 5m, got {BusyTimeout}"));
        }

        return errors;
    }

    /// <summary>Throws one exception listing every error, so a bad configuration fails start-up once, completely.</summary>
    public void ValidateOrThrow()
    {
        ConfigException.ThrowIfInvalid(string.Empty, Validate());
    }
}
