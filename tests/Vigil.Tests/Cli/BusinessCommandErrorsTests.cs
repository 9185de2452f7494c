using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Cli;
using Vigil.Postgres.Ingest;

namespace Vigil.Tests.Cli;

public sealed class BusinessCommandErrorsTests
{
    private const string ConnectionString = "Host=db.example;Port=6543;Username=vigil;Password=secret;Database=vigil";

    [Fact]
    public void Describe_MissingInputFile_UsageErrorExitTwo()
    {
        var error = BusinessCommandErrors.Describe(new FileNotFoundException("Could not find file '/nonexistent.ndjson'.", "/nonexistent.ndjson"), "/nonexistent.ndjson", ConnectionString);

        Assert.Equal(new CommandError(2, "error: cannot read /nonexistent.ndjson: no such file"), error);
    }

    [Fact]
    public void Describe_InputIsADirectory_UsageErrorSaysSo()
    {
        var directory = Path.GetTempPath();

        var error = BusinessCommandErrors.Describe(new UnauthorizedAccessException($"Access to the path '{directory}' is denied."), directory);

        Assert.Equal(new CommandError(2, $"error: cannot read {directory}: is a directory"), error);
    }

    [Fact]
    public void Describe_WrongPassword_NamesTheUserAndTheCodeExitOne()
    {
        var error = BusinessCommandErrors.Describe(new PostgresException("password authentication failed for user \"vigil\"", "FATAL", "FATAL", "28P01"), connectionString: ConnectionString);

        Assert.Equal(new CommandError(1, "error: database authentication failed for user \"vigil\" (28P01)"), error);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ConnectionRefused_NamesHostAndPortExitOne()
    {
        var error = BusinessCommandErrors.Describe(new NpgsqlException("Failed to connect to 10.0.0.1:6543", new SocketException((int)SocketError.ConnectionRefused)), connectionString: ConnectionString);

        Assert.Equal(1, error.ExitCode);
        Assert.StartsWith("error: cannot connect to the database at db.example:6543: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ConflictingEventInTheFile_NamesFileAndLineExitOne()
    {
        var conflict = new IdempotencyConflictException("k", 12, "line 12", "idempotency_key 'k' is already used by an event with a different payload; nothing was stored");

        var error = BusinessCommandErrors.Describe(conflict, "/data/events.ndjson");

        Assert.Equal(new CommandError(1, "error: /data/events.ndjson: line 12: idempotency_key 'k' is already used by an event with a different payload; nothing was stored"), error);
    }

    [Fact]
    public void Report_AnyFailure_OneLineOnStderrAndTheStackTraceOnlyInTheDebugLog()
    {
        var logger = new RecordingLogger();
        using var stderr = new StringWriter();
        Exception thrown;
        try
        {
            throw new PostgresException("password authentication failed for user \"vigil\"", "FATAL", "FATAL", "28P01");
        }
        catch (PostgresException ex)
        {
            thrown = ex;
        }

        var exit = BusinessCommandErrors.Report(thrown, stderr, logger, connectionString: ConnectionString);

        Assert.Equal(1, exit);
        Assert.Equal("error: database authentication failed for user \"vigil\" (28P01)" + Environment.NewLine, stderr.ToString());
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Same(thrown, entry.Exception);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Add((logLevel, exception));
    }
}
