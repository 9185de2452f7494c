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
        var dll = Path.Combine(AppContext.BaseDirectory, "vigil.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The tests' own environment must not leak a deployment's variables into the child.
        foreach (var name in new[] { "PROMETHEUS_URL", "PROMQL_QUERY", "LISTEN_PORT", "SCRAPE_INTERVAL", "MODEL_PATH", "VIGIL_CONFIG", "VIGIL_PUSH_GATEWAY" })
        {
            info.Environment.Remove(name);
        }

        info.Environment["NO_COLOR"] = "1";
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
        return (process.ExitCode, StripAnsi(await stdout), StripAnsi(await stderr));
    }
}
