using System.Diagnostics;
using System.Globalization;

namespace Vigil.Testing.Servers;

/// <summary>
/// The common shape of a real server for integration tests (PostgreSQL, Prometheus; Redis and Alertmanager next):
/// find the Debian binary (or fail, never skip), take a free loopback port and a temp directory, prepare
/// (config files, initdb), start, wait until ready, and stop by PID (SIGTERM, then SIGKILL after a grace period).
/// Usable as an xunit fixture (<see cref="IAsyncLifetime"/>) or per test (<c>await using</c>, through the
/// pattern-based <see cref="DisposeAsync"/>: not <see cref="IAsyncDisposable"/>, so fixtures that own one need no
/// second disposal path).
/// </summary>
public abstract class LoopbackServer : IAsyncLifetime
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);
    private ServerProcess? _process;

    protected LoopbackServer(string name)
    {
        Name = name;
        Directory = new TempDirectory($"vigil-{name}-");
    }

    public string Name { get; }

    /// <summary>The server's loopback port, chosen free at <see cref="InitializeAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The server's own temp directory (config, data); removed on dispose.</summary>
    public TempDirectory Directory { get; }

    /// <summary>How long start-up may take before the test fails with the server's output.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The binary to run: the environment variable <see cref="BinaryVariable"/> if set, else the Debian path.</summary>
    protected string Binary => Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } configured ? configured : DefaultBinary;

    protected abstract string DefaultBinary { get; }

    protected abstract string BinaryVariable { get; }

    public async Task InitializeAsync()
    {
        ServerProcess.RequireBinary(Binary);
        Port = ServerProcess.FreePort();
        await PrepareAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) and waits until it is ready.</summary>
    public async Task StartAsync()
    {
        var (file, arguments) = Command();
        _process = ServerProcess.Start(file, arguments);
        await WaitUntilAsync(IsReadyAsync, StartTimeout, $"{Name} ready on port {Port.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
    }

    /// <summary>Stops the server by PID with <paramref name="signal"/> (TERM: clean shutdown) and waits for it to exit.</summary>
    public async Task StopAsync(string? signal = null)
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited && ServerPid() is { } pid)
        {
            OnStopping();
            await SignalAsync(pid, signal ?? StopSignal).ConfigureAwait(false);
            await WaitForPidExitAsync(pid).ConfigureAwait(false);
        }

        await process.WaitForExitAsync(StopGrace).ConfigureAwait(false);
        await process.DisposeAsync().ConfigureAwait(false);
        _process = null;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the server's output if it exits or the deadline passes.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
        => (_process ?? throw new InvalidOperationException($"{Name} is not running.")).WaitUntilAsync(condition, timeout, what);

    public async Task DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Directory.Dispose();
    }

    /// <summary>The signal for a clean, prompt stop.</summary>
    protected virtual string StopSignal => "TERM";

    /// <summary>Runs before the stop signal is sent (e.g. to drop pooled client connections).</summary>
    protected virtual void OnStopping()
    {
    }

    /// <summary>Writes config files or initialises the data directory before the first start.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>The command line that starts the server in the foreground.</summary>
    protected abstract (string File, IReadOnlyList<string> Arguments) Command();

    protected abstract Task<bool> IsReadyAsync();

    /// <summary>The PID to signal; the started process by default (a server started through runuser overrides it).</summary>
    protected virtual int? ServerPid() => _process?.Id;

    protected static async Task RunAsync(string file, params string[] arguments)
    {
        var (exit, output) = await ServerProcess.RunAsync(file, string.Empty, arguments).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {exit.ToString(CultureInfo.InvariantCulture)}: {output}");
        }
    }

    // Exit code ignored: the process may have exited between the check and the signal.
    private static Task<(int ExitCode, string Output)> SignalAsync(int pid, string signal)
        => ServerProcess.RunAsync("/bin/kill", string.Empty, $"-{signal}", pid.ToString(CultureInfo.InvariantCulture));

    private static async Task WaitForPidExitAsync(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (System.IO.Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}") && !IsZombie(pid))
        {
            if (deadline.Elapsed > StopGrace)
            {
                await SignalAsync(pid, "KILL").ConfigureAwait(false);
                return;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
    }
}
