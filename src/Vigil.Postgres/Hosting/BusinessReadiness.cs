namespace Vigil.Postgres.Hosting;

/// <summary>
/// The business pipeline's part of <c>/readyz</c>. Not ready until the database has answered and every start-up
/// step (migrations, stored feedback) has run; the Prometheus jobs' readiness does not depend on it.
/// </summary>
public sealed class BusinessReadiness
{
    public const string Connecting = "connecting";
    public const string DatabaseUnreachable = "database_unreachable";
    public const string StartupFailed = "startup_failed";
    public const string Ok = "ok";

    private volatile Snapshot _current = new(false, Connecting, null, 0);

    public bool Ready => _current.Ready;

    /// <summary><see cref="Connecting"/>, <see cref="DatabaseUnreachable"/> (retrying), <see cref="StartupFailed"/> (not retried: e.g. a schema newer than this version) or <see cref="Ok"/>.</summary>
    public string State => _current.State;

    /// <summary>The last error, while not ready.</summary>
    public string? Error => _current.Error;

    /// <summary>Attempts to reach the database so far.</summary>
    public int Attempts => _current.Attempts;

    /// <summary>One consistent read of every field.</summary>
    public Snapshot Current => _current;

    internal void Set(bool ready, string state, string? error, int attempts) => _current = new Snapshot(ready, state, error, attempts);

    public sealed record Snapshot(bool Ready, string State, string? Error, int Attempts);
}
