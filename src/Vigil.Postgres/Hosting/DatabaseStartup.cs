using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Postgres.Hosting;

/// <summary>One thing the business pipeline needs done against the database before it is ready (a migration, a reload).</summary>
/// <param name="Name">For the log, e.g. <c>business-metrics migrations</c>.</param>
/// <param name="RunAsync">The step; it must be safe to run again after a failure (migrations are transactional).</param>
public sealed record DatabaseStartupStep(string Name, Func<CancellationToken, Task> RunAsync);

/// <summary>
/// Brings the business pipeline up without holding the rest of Vigil hostage (issue #11.6): the start-up steps run in
/// order; when the database cannot be reached they are retried with exponential back-off (from
/// <see cref="InitialDelay"/>, doubling, capped at <see cref="MaxDelay"/>, for as long as the service runs), each failed
/// attempt counted as <c>vigil_errors_total{error_type="database"}</c>, and logged only when the state changes
/// (unreachable, then reachable again), not per attempt. Steps that succeeded are not run again. An error that retrying
/// cannot fix (a schema newer than this version, an edited migration) stops the attempts and leaves the business part
/// not ready, with the error in <c>/readyz</c>; the other jobs keep running either way.
/// </summary>
public sealed class DatabaseStartup
{
    public static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<DatabaseStartupStep> _steps;
    private readonly BusinessReadiness _readiness;
    private readonly VigilMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _next;
    private int _attempt;
    private bool _unreachableLogged;
    private Outcome? _final;

    public DatabaseStartup(IEnumerable<DatabaseStartupStep> steps, BusinessReadiness readiness, VigilMetrics? metrics, TimeProvider time, ILogger<DatabaseStartup> logger)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = [.. steps];
        _readiness = readiness ?? throw new ArgumentNullException(nameof(readiness));
        _metrics = metrics;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1 after <paramref name="attempt"/> failures (1-based).</summary>
    public static TimeSpan DelayAfter(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(attempt);
        var seconds = InitialDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
    }

    /// <summary>Where start-up stands.</summary>
    public enum Outcome
    {
        /// <summary>Every step ran: the business pipeline is ready.</summary>
        Ready,

        /// <summary>The database could not be reached; try again after <see cref="DelayAfter"/>.</summary>
        Retry,

        /// <summary>A step failed in a way retrying cannot fix; no more attempts.</summary>
        Failed,
    }

    /// <summary>Attempts made so far.</summary>
    public int Attempts => _attempt;

    /// <summary>
    /// One attempt: runs the steps not yet done, in order. Ready and Failed are final (further calls return them
    /// without running anything).
    /// </summary>
    public async Task<Outcome> AttemptAsync(CancellationToken cancellationToken)
    {
        if (_final is { } final)
        {
            return final;
        }

        _attempt++;
        try
        {
            for (; _next < _steps.Count; _next++)
            {
                await _steps[_next].RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return Outcome.Retry; // stopping: whatever failed, it is not the database's fault
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            _metrics?.CountError(ErrorTypes.Database);
            _readiness.Set(false, BusinessReadiness.DatabaseUnreachable, $"{_steps[_next].Name}: {ex.Message}", _attempt);
            if (!_unreachableLogged)
            {
                _unreachableLogged = true;
                LogMessages.DatabaseUnreachable(_logger, _steps[_next].Name, ex.Message, InitialDelay, MaxDelay);
            }

            LogMessages.DatabaseAttemptFailed(_logger, _attempt, ex);
            return Outcome.Retry;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Retrying cannot fix it (a schema from a newer Vigil, an edited migration): say so once and stay not ready.
            _metrics?.CountError(ErrorTypes.Database);
            _readiness.Set(false, BusinessReadiness.StartupFailed, $"{_steps[_next].Name}: {ex.Message}", _attempt);
            LogMessages.StartupStepFailed(_logger, _steps[_next].Name, ex);
            _final = Outcome.Failed;
            return Outcome.Failed;
        }

        _readiness.Set(true, BusinessReadiness.Ok, null, _attempt);
        if (_unreachableLogged)
        {
            LogMessages.DatabaseReachable(_logger, _attempt);
        }

        LogMessages.BusinessReady(_logger, _steps.Count);
        _final = Outcome.Ready;
        return Outcome.Ready;
    }

    /// <summary>
    /// Attempts until ready, failed for good, or <paramref name="cancellationToken"/> fires, waiting
    /// <see cref="DelayAfter"/> (on the injected clock) after each failed attempt, including one made before this call.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_attempt > 0 && _final is null)
            {
                try
                {
                    await Task.Delay(DelayAfter(_attempt), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                if (await AttemptAsync(cancellationToken).ConfigureAwait(false) != Outcome.Retry)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Failures the database coming (back) up fixes: no connection (refused, DNS, timeout), the server starting or
    /// shutting down (SQLSTATE class 57, 08), too many connections (53). Wrong credentials (28) also count: in a
    /// deployment the password may be set on the server after Vigil starts, and retrying costs nothing.
    /// </summary>
    internal static bool IsUnreachable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("28", StringComparison.Ordinal)
            || pg.SqlState == "3D000", // database does not exist (yet)
        NpgsqlException => true,
        SocketException or TimeoutException => true,
        _ => false,
    };
}

/// <summary>
/// Runs <see cref="DatabaseStartup"/>: the first attempt inside the host's start, so with the database up the schema
/// exists before the scheduler's first run (hosted services start in registration order), as before; the retries, if
/// any, in the background, so the host and every other job start at once.
/// </summary>
internal sealed class DatabaseStartupService(DatabaseStartup startup) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await startup.AttemptAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => startup.RunAsync(stoppingToken);
}
