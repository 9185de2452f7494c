using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Vigil.Postgres.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster: initdb into a temp directory, postmaster on 127.0.0.1 and a free port,
/// stopped by PID on dispose. Runs as the <c>postgres</c> OS user when the tests run as root (initdb refuses root).
/// Binaries: $VIGIL_PG_BIN, else /usr/lib/postgresql/{17,16,15}/bin. A missing server fails the tests
/// (never skips), so CI cannot go green without having exercised PostgreSQL.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vigil-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private string _bin = "";
    private Process? _process;
    private int _databases;

    public int Port { get; private set; }

    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database)
        => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timezone=UTC;Include Error Detail=true";

    public async Task InitializeAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (set VIGIL_PG_BIN or apt-get install postgresql). "
            + "These are integration tests against a real server and fail rather than skip"
            + (Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true)." : "."));
        Directory.CreateDirectory(_dir);
        if (RunsAsRoot)
        {
            await RunAsync("chown", $"postgres:postgres {_dir}").ConfigureAwait(false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), $"-D {_dir}/data -U postgres -A trust -E UTF8 --no-sync", asPostgres: true).ConfigureAwait(false);
        Port = FreePort();
        await StartAsync().ConfigureAwait(false);
    }

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
        await StopAsync(signal: "QUIT").ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    public async Task StopImmediateAsync() => await StopAsync(signal: "QUIT").ConfigureAwait(false);

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(RunsAsRoot ? "runuser" : Path.Combine(_bin, "postgres"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (RunsAsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", Path.Combine(_bin, "postgres") })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in new[] { "-D", $"{_dir}/data", "-c", "listen_addresses=127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-k", _dir, "-c", "fsync=off", "-c", "max_connections=200" })
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or IOException)
            {
                if (deadline.Elapsed > StartDeadline || _process.HasExited)
                {
                    throw new InvalidOperationException($"PostgreSQL did not accept connections on port {Port} within {StartDeadline}.", ex);
                }

                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync(signal: "INT").ConfigureAwait(false);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Temp dir cleanup is best effort.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StopAsync(string signal)
    {
        NpgsqlConnection.ClearAllPools();
        var pidFile = Path.Combine(_dir, "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var pid = int.Parse((await File.ReadAllLinesAsync(pidFile).ConfigureAwait(false))[0].Trim(), CultureInfo.InvariantCulture);
        await RunAsync("kill", $"-{signal} {pid}").ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        while (Directory.Exists($"/proc/{pid}") && !IsZombie(pid))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                await RunAsync("kill", $"-KILL {pid}").ConfigureAwait(false);
                break;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        if (_process is { } p)
        {
            await p.WaitForExitAsync().ConfigureAwait(false);
            p.Dispose();
            _process = null;
        }

        // An immediate stop can leave the pid file behind; the next start checks that the pid is dead and proceeds.
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("VIGIL_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.AddRange(["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres = false)
    {
        var start = asPostgres && RunsAsRoot
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        }
    }
}

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollectionFixture : ICollectionFixture<PostgresServer>;

public static class PostgresFixture
{
    public const string Collection = "postgres";
}
