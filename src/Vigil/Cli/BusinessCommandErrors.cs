using System.Net.Sockets;
using Npgsql;
using Vigil.Postgres.Ingest;

namespace Vigil.Cli;

/// <summary>What a failed business command prints (one line, no stack trace) and the exit code it returns.</summary>
internal sealed record CommandError(int ExitCode, string Message);

/// <summary>
/// Turns the failures of <c>vigil db migrate</c> and <c>vigil events import</c> into one clear line and a documented
/// exit code: <see cref="CliEnvironment.InvalidConfig"/> (2) for usage errors (an input file that cannot be read),
/// <see cref="CliEnvironment.Failure"/> (1) for runtime failures (database unreachable, authentication refused, a
/// conflicting event). The stack trace goes to the log at debug level only (<c>logging.level: debug</c>).
/// </summary>
internal static class BusinessCommandErrors
{
    /// <param name="exception">What the command threw.</param>
    /// <param name="inputPath">The file the command reads, if any.</param>
    /// <param name="connectionString">The database's connection string (host, port and user are named, never the password).</param>
    public static CommandError Describe(Exception exception, string? inputPath = null, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (host, port, user) = Target(connectionString);
        var file = inputPath ?? (exception as FileNotFoundException)?.FileName ?? "the input file";
        return exception switch
        {
            FileNotFoundException or DirectoryNotFoundException => Usage($"cannot read {file}: no such file"),
            UnauthorizedAccessException when Directory.Exists(file) => Usage($"cannot read {file}: is a directory"),
            UnauthorizedAccessException => Usage($"cannot read {file}: permission denied"),
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } => Runtime($"database authentication failed for user \"{user}\" (28P01)"),
            PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } pg => Runtime($"database refused user \"{user}\": {pg.MessageText} (28000)"),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } pg => Runtime($"{pg.MessageText} (3D000)"),
            PostgresException pg => Runtime($"database error: {pg.MessageText} ({pg.SqlState})"),
            NpgsqlException { InnerException: TimeoutException } => Runtime($"timed out connecting to the database at {host}:{port}"),
            NpgsqlException { InnerException: SocketException or IOException } npg => Runtime($"cannot connect to the database at {host}:{port}: {npg.InnerException!.Message}"),
            NpgsqlException npg => Runtime($"database error: {npg.Message}"),
            IdempotencyConflictException conflict => Runtime($"{file}: {conflict.Message}"),
            _ => Runtime(exception.Message),
        };
    }

    /// <summary>Prints the line to <paramref name="stderr"/>, logs the exception at debug level, and returns the exit code.</summary>
    public static int Report(Exception exception, TextWriter stderr, ILogger logger, string? inputPath = null, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(logger);
        var error = Describe(exception, inputPath, connectionString);
        stderr.WriteLine(error.Message);
        LogMessages.CommandFailed(logger, error.Message, exception);
        return error.ExitCode;
    }

    private static CommandError Usage(string message) => new(CliEnvironment.InvalidConfig, "error: " + message);

    private static CommandError Runtime(string message) => new(CliEnvironment.Failure, "error: " + message);

    private static (string Host, string Port, string User) Target(string? connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString ?? string.Empty);
            return (builder.Host ?? "localhost", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), builder.Username ?? Environment.UserName);
        }
        catch (ArgumentException)
        {
            return ("?", "?", "?");
        }
    }
}
