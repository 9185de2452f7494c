using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Testing.Servers;

/// <summary>
/// A child process started for a test (a server, or a one-shot tool such as promtool), with its output captured.
/// A missing binary fails the test with the install hint: CI installs it through scripts/test.sh.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ServerProcess Start(string binary, params string[] arguments) => Start(binary, (IEnumerable<string>)arguments);

    public static ServerProcess Start(string binary, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new ServerProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {binary}."));
    }

    public static void RequireBinary(string binary)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"{binary} is not installed: run scripts/test.sh (it installs the Debian packages the integration tests need). "
                + "These tests run against real servers and fail rather than skip.");
        }
    }

    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock PortLock = new();
    private static int _nextPort = -1;

    /// <summary>
    /// A loopback port nothing listens on right now, handed out once per test process. It is taken below the kernel's
    /// ephemeral range: a port from bind(0) lies inside that range, and between its release and the server's bind any
    /// outgoing connection of a parallel test (a scrape, an HTTP client) may take it as its source port, which made
    /// a restarted server fail with "address already in use" under CI load.
    /// </summary>
    public static int FreePort()
    {
        var (low, high) = PortRange();
        if (high - low < 1000)
        {
            // The ephemeral range covers nearly every port: fall back to the kernel's choice.
            using var any = new TcpListener(IPAddress.Loopback, 0);
            any.Start();
            return ((IPEndPoint)any.LocalEndpoint).Port;
        }

        lock (PortLock)
        {
            if (_nextPort < 0)
            {
                // A random start per process keeps parallel test processes apart.
                _nextPort = low + Random.Shared.Next(high - low);
            }

            for (var tried = 0; tried <= high - low; tried++)
            {
                var port = _nextPort;
                _nextPort = port + 1 > high ? low : port + 1;
                if (HandedOut.Contains(port) || !Bindable(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port below the ephemeral range.");
    }

    /// <summary>The ports below the ephemeral range (ip_local_port_range), or above it when too few lie below.</summary>
    private static (int Low, int High) PortRange()
    {
        var (ephemeralLow, ephemeralHigh) = (32768, 60999);
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            (ephemeralLow, ephemeralHigh) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or unreadable: keep the kernel's default range.
        }

        return ephemeralLow - 1 >= 12000 ? (10000, ephemeralLow - 1) : (ephemeralHigh + 1, 65000);
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Runs a tool to completion with <paramref name="stdin"/> as its input; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string binary, string stdin, params string[] arguments)
    {
        RequireBinary(binary);
        var info = new ProcessStartInfo(binary) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with the process's output after the deadline or if it exits.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Server exited with {_process.ExitCode} while waiting for {what}:\n{Output}");
            }

            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException or TimeoutException)
            {
                // Not up yet.
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"Timed out after {timeout} waiting for {what}. Server output:\n{Output}");
    }

    /// <summary>Waits for the process to exit (after a signal sent by PID); kills it if it outlives <paramref name="grace"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
