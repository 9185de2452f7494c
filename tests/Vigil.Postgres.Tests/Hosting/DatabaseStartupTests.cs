using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;
using Vigil.Postgres.Hosting;
using Vigil.Testing.Time;

namespace Vigil.Postgres.Tests.Hosting;

/// <summary>Issue #11.6: a database down at start is retried with back-off, counted, and logged per state change.</summary>
public sealed class DatabaseStartupTests
{
    private readonly DelayRecordingTimeProvider _time = new();
    private readonly BusinessReadiness _readiness = new();
    private readonly VigilMetrics _metrics = new(new MetricRegistry());
    private readonly ListLogger _logger = new();

    [Fact]
    public async Task RunAsync_DatabaseDownForSevenAttempts_BacksOffDoublingUpToTheCapThenIsReady()
    {
        var failures = 7;
        var sut = CreateSut(new DatabaseStartupStep("connecting", _ => failures-- > 0 ? throw Refused() : Task.CompletedTask));

        await sut.RunAsync(CancellationToken.None);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], _time.Delays.Select(d => d.TotalSeconds));
        Assert.True(_readiness.Ready);
        Assert.Equal((BusinessReadiness.Ok, 8), (_readiness.State, _readiness.Attempts));
        Assert.Equal(7, _metrics.Errors.Value(ErrorTypes.Database));
        // Once per state change, not per attempt: one warning when it goes down, one line when it comes back.
        Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("database is unreachable", StringComparison.Ordinal));
        Assert.Single(_logger.Entries, e => e.Message.Contains("reachable again after 8 attempts", StringComparison.Ordinal));
        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning && !e.Message.Contains("database is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttemptAsync_DatabaseDown_NotReadyWithTheStepAndErrorUntilItAnswers()
    {
        var down = true;
        var sut = CreateSut(new DatabaseStartupStep("connecting", _ => down ? throw Refused() : Task.CompletedTask));

        var first = await sut.AttemptAsync(CancellationToken.None);
        var whileDown = _readiness.Current;
        down = false;
        var second = await sut.AttemptAsync(CancellationToken.None);

        Assert.Equal(DatabaseStartup.Outcome.Retry, first);
        Assert.False(whileDown.Ready);
        Assert.Equal(BusinessReadiness.DatabaseUnreachable, whileDown.State);
        Assert.StartsWith("connecting: ", whileDown.Error, StringComparison.Ordinal);
        Assert.Equal(DatabaseStartup.Outcome.Ready, second);
        Assert.True(_readiness.Ready);
        Assert.Null(_readiness.Error);
    }

    [Fact]
    public async Task AttemptAsync_LaterStepFails_StepsDoneBeforeAreNotRunAgain()
    {
        var migrations = 0;
        var reloadFailures = 1;
        var sut = CreateSut(
            new DatabaseStartupStep("migrations", _ => { migrations++; return Task.CompletedTask; }),
            new DatabaseStartupStep("feedback", _ => reloadFailures-- > 0 ? throw Refused() : Task.CompletedTask));

        await sut.AttemptAsync(CancellationToken.None);
        var outcome = await sut.AttemptAsync(CancellationToken.None);

        Assert.Equal(DatabaseStartup.Outcome.Ready, outcome);
        Assert.Equal(1, migrations);
    }

    [Fact]
    public async Task RunAsync_ErrorRetryingCannotFix_StopsNotReadyWithStartupFailed()
    {
        var sut = CreateSut(new DatabaseStartupStep("migrations", _ => throw new InvalidDataException("migration 2 was edited after it was applied")));

        await sut.RunAsync(CancellationToken.None);

        Assert.Empty(_time.Delays);
        Assert.False(_readiness.Ready);
        Assert.Equal(BusinessReadiness.StartupFailed, _readiness.State);
        Assert.Contains("edited", _readiness.Error, StringComparison.Ordinal);
        Assert.Equal(1, _metrics.Errors.Value(ErrorTypes.Database));
        Assert.Equal(DatabaseStartup.Outcome.Failed, await sut.AttemptAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsWithoutThrowing()
    {
        using var cancellation = new CancellationTokenSource();
        var sut = CreateSut(new DatabaseStartupStep("connecting", _ =>
        {
            cancellation.Cancel();
            throw Refused();
        }));

        await sut.RunAsync(cancellation.Token);

        Assert.False(_readiness.Ready);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void DelayAfter_Attempts_DoublesFromOneSecondCappedAtThirty(int attempt, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), DatabaseStartup.DelayAfter(attempt));

    [Fact]
    public void IsUnreachable_ServerErrorsOfTheSchema_AreNotRetried()
    {
        Assert.True(DatabaseStartup.IsUnreachable(Refused()));
        Assert.True(DatabaseStartup.IsUnreachable(new PostgresException("starting up", "FATAL", "FATAL", "57P03")));
        Assert.False(DatabaseStartup.IsUnreachable(new PostgresException("syntax error", "ERROR", "ERROR", "42601")));
        Assert.False(DatabaseStartup.IsUnreachable(new InvalidOperationException("schema 9 is newer than this version")));
    }

    private static NpgsqlException Refused() => new("Failed to connect to 127.0.0.1:9", new SocketException((int)SocketError.ConnectionRefused));

    private DatabaseStartup CreateSut(params DatabaseStartupStep[] steps) => new(steps, _readiness, _metrics, _time, _logger);

    private sealed class ListLogger : ILogger<DatabaseStartup>
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
