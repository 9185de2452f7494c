using System.Diagnostics;

namespace Vigil.Tests.Support;

/// <summary>Runs the real `vigil` executable (built next to the tests) as a child process.</summary>
internal static partial class VigilProcess
{
    private static string StripAnsi(string text) => AnsiRegex().Replace(text, string.Empty);

    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex AnsiRegex();

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IDictionary<string, string>? environment, params string[] args)
    {
        var withNoColor = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        withNoColor.TryAdd("NO_COLOR", "1");
        var (exit, stdout, stderr) = await RunRawAsync(withNoColor, terminal: false, args);
        return (exit, StripAnsi(stdout), StripAnsi(stderr));
    }

    /// <summary>
    /// As <see cref="RunAsync"/> but the output is returned as written, escape codes included, and NO_COLOR is only set
    /// when <paramref name="environment"/> sets it. With <paramref name="terminal"/>, stdout is a pseudo-terminal
    /// (util-linux <c>script</c>), as in an interactive shell.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunRawAsync(IDictionary<string, string>? environment, bool terminal, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "vigil.dll");
        var info = new ProcessStartInfo(terminal ? "script" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (terminal)
        {
            // script -q -e -c CMD /dev/null: runs CMD on a pseudo-terminal, copies what it writes to our stdout, keeps its exit code.
            info.ArgumentList.Add("-qec");
            info.ArgumentList.Add(string.Join(' ', new[] { "dotnet", dll }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'")));
            info.ArgumentList.Add("/dev/null");
        }
        else
        {
            info.ArgumentList.Add(dll);
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }
        }

        // The tests' own environment must not leak a deployment's variables into the child.
        foreach (var name in new[] { "PROMETHEUS_URL", "PROMQL_QUERY", "LISTEN_PORT", "SCRAPE_INTERVAL", "MODEL_PATH", "VIGIL_CONFIG", "VIGIL_PUSH_GATEWAY" })
        {
            info.Environment.Remove(name);
        }

        info.Environment.Remove("NO_COLOR");
        info.Environment["COLUMNS"] = "200";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
