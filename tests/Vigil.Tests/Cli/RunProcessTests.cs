using System.Diagnostics;
using System.Text.Json;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>`vigil run` as a real process: embedded replay, JSON logs, SIGTERM.</summary>
public sealed class RunProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_JsonLogsThenSigterm_LogsCarryJobAndCycleAndProcessExitsCleanly()
    {
        var config = _temp.File("vigil.yaml");
        await File.WriteAllTextAsync(config, "server: { listen_address: 127.0.0.1, port: 0, shutdown_grace: 2s }\nlogging: { format: json, level: debug }\nsources:\n  replay: { speed: 600 }\n");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        JsonElement? cycleLog = null;
        var deadline = Stopwatch.StartNew();
        while (cycleLog is null && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var line = await process.StandardOutput.ReadLineAsync();
            if (line is null)
            {
                break;
            }

            lines.Add(line);
            if (line.StartsWith('{') && line.Contains("cycle_id", StringComparison.Ordinal))
            {
                cycleLog = JsonDocument.Parse(line).RootElement.Clone();
            }
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var rest = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(cycleLog.HasValue, "no JSON log line with a cycle scope:\n" + string.Join('\n', lines));
        var scopes = cycleLog.Value.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("job", out var job) && job.GetString()!.StartsWith("replay-", StringComparison.Ordinal));
        Assert.Contains(scopes, s => s.TryGetProperty("cycle_id", out _));
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("stopped", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonLogs_EveryStdoutLineIsJsonIncludingTheStartBanner()
    {
        var config = _temp.File("vigil-json.yaml");
        await File.WriteAllTextAsync(config, "server: { listen_address: 127.0.0.1, port: 0, shutdown_grace: 2s }\nlogging: { format: json }\nsources:\n  replay: { speed: 600 }\n");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var sawBanner = false;
        while (!sawBanner)
        {
            // Bounded by the process: the banner comes right after start-up, and a dead process ends the stream.
            var line = await process.StandardOutput.ReadLineAsync();
            if (line is null)
            {
                break;
            }

            lines.Add(line);
            sawBanner = line.Contains("Vigil started", StringComparison.Ordinal);
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        lines.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(sawBanner, "no start banner:\n" + string.Join('\n', lines));
        Assert.All(lines, line =>
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        });
    }
}
