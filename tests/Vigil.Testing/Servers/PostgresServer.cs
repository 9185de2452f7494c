using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace Vigil.Testing.Servers;

/// <summary>
/// A throw-away PostgreSQL cluster: initdb into a temp directory, postmaster on 127.0.0.1 and a free port
/// (<c>-c listen_addresses=127.0.0.1</c>, socket in the temp directory), stopped by the postmaster's PID.
/// Runs as the <c>postgres</c> OS user when the tests run as root (initdb refuses root).
/// Binaries: $VIGIL_PG_BIN, else /usr/lib/postgresql/{17,16,15}/bin. A missing server fails the tests
/// (never skips), so CI cannot go green without having exercised PostgreSQL.
/// </summary>
public sealed class PostgresServer() : LoopbackServer("pg")
{
    private int _databases;

    public string AdminConnectionString => ConnectionString("postgres");

    protected override string BinaryVariable => "VIGIL_PG_BIN";

    protected override string DefaultBinary => Path.Combine(BinDirectory, "postgres");

    private string BinDirectory
        => Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } configured
            ? configured
            : new[] { "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin" }
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres"))) ?? "/usr/lib/postgresql/17/bin";

    private string DataDirectory => Directory.File("data");

    private static bool RunsAsRoot => Environment.UserName == "root";

    public string ConnectionString(string database)
        => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Timezone=UTC;Include Error Detail=true";

    /// <summary>Creates an empty database (own state per test) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}")[..20];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>Crash-stops the server (<c>-m immediate</c>: no checkpoint, crash recovery on start) and starts it again.</summary>
    public async Task RestartImmediateAsync()
    {
        await StopImmediateAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    public Task StopImmediateAsync() => StopAsync(signal: "QUIT");

    // SIGINT is PostgreSQL's "fast" shutdown: SIGTERM ("smart") would wait for every pooled client to disconnect.
    protected override string StopSignal => "INT";

    protected override void OnStopping() => NpgsqlConnection.ClearAllPools();

    protected override async Task PrepareAsync()
    {
        if (RunsAsRoot)
        {
            await RunAsync("/bin/chown", "postgres:postgres", Directory.Path).ConfigureAwait(false);
        }

        var (file, arguments) = AsPostgres(Path.Combine(BinDirectory, "initdb"), "-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        await RunAsync(file, [.. arguments]).ConfigureAwait(false);
    }

    protected override (string File, IReadOnlyList<string> Arguments) Command()
        => AsPostgres(
            Binary,
            "-D", DataDirectory,
            "-c", "listen_addresses=127.0.0.1",
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", Directory.Path,
            "-c", "fsync=off",
            "-c", "max_connections=200");

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false;Timeout=2");
            await connection.OpenAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or IOException)
        {
            return false;
        }
    }

    // runuser stays the parent of the postmaster; the postmaster's own PID is in its pid file.
    protected override int? ServerPid()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        return File.Exists(pidFile)
            ? int.Parse(File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture)
            : base.ServerPid();
    }

    private static (string File, IReadOnlyList<string> Arguments) AsPostgres(string file, params string[] arguments)
        => RunsAsRoot ? ("/usr/sbin/runuser", ["-u", "postgres", "--", file, .. arguments]) : (file, arguments);
}
