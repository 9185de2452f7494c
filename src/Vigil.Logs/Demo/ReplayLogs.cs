using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Logs.Configuration;
using Vigil.Logs.Sources.Files;
using Vigil.Pipeline.Replay;

namespace Vigil.Logs.Demo;

/// <summary>
/// The embedded demo's log: a checkout service's log file, generated in a temp directory on the replay's clock, mined
/// by an ordinary file source (so <c>/api/v1/logs/templates</c> fills on the demo). Its usual lines are requests and
/// logins; during the replay's checkout incident a kind of line appears that was never seen before (payment gateway
/// time-outs), which is what the inspector's log-patterns sensor reports.
/// </summary>
public static class ReplayLogs
{
    public const string SourceName = "demo-checkout";

    /// <summary>Registers the writer and returns the <c>logs:</c> options that mine its file.</summary>
    public static LogsOptions AddReplayLogs(this IServiceCollection services, ReplayOptions replay, string directory)
    {
        ArgumentNullException.ThrowIfNull(replay);
        var file = Path.Combine(directory, "checkout.log");
        services.AddSingleton<IHostedService>(sp => new ReplayLogWriter(file, replay.Speed, sp.GetRequiredService<TimeProvider>()));
        return new LogsOptions
        {
            Sources = [new LogSourceOptions { Name = SourceName, File = new FileSourceOptions { Include = [file], PollInterval = TimeSpan.FromSeconds(1) } }],
        };
    }
}

/// <summary>
/// Appends, once a second, the lines of the replay time that passed: at the replay's speed (60× by default) a real
/// second is a replay minute. Deterministic per replay minute (seeded by it), like the replay's metrics.
/// </summary>
internal sealed class ReplayLogWriter(string path, double speed, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly ReplayIncident CheckoutIncident = ReplayDataset.Incidents.First(i => i.Service == "checkout");

    private AcceleratedTimeProvider? _replayClock;
    private DateTimeOffset _writtenUpTo;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The file exists before the file source starts (hosted services start in order), so its first poll finds it.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Empty);
        _replayClock = new AcceleratedTimeProvider(time, ReplayDataset.ClockStart, speed);
        _writtenUpTo = _replayClock.GetUtcNow();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Tick, time, stoppingToken).ConfigureAwait(false);
                var now = _replayClock!.GetUtcNow();
                var text = Lines(_writtenUpTo, now);
                _writtenUpTo = now;
                await File.AppendAllTextAsync(path, text, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The lines of every whole replay minute in (<paramref name="from"/>, <paramref name="to"/>].</summary>
    internal static string Lines(DateTimeOffset from, DateTimeOffset to)
    {
        var text = new StringBuilder();
        var minute = from.ToUnixTimeSeconds() / 60;
        var last = to.ToUnixTimeSeconds() / 60;
        for (minute++; minute <= last; minute++)
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
            var random = new Mixer((ulong)minute);
            var stamp = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            for (var i = 0; i < 6; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{stamp} INFO GET /api/cart/{random.Next(10_000, 99_999)} 200 in {random.Next(5, 80)} ms\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{stamp} INFO user u{random.Next(1000, 9999)} logged in from 10.1.{random.Next(0, 255)}.{random.Next(1, 255)}\n");
            if (InCheckoutIncident(at))
            {
                for (var i = 0; i < 3; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{stamp} ERROR payment gateway 10.9.0.{random.Next(2, 9)}:8443 timed out after {random.Next(3000, 9000)} ms for order {random.Next(100_000, 999_999)}\n");
                }
            }
        }

        return text.ToString();
    }

    internal static bool InCheckoutIncident(DateTimeOffset at)
    {
        if (at < ReplayDataset.ClockStart)
        {
            return false;
        }

        var offset = TimeSpan.FromTicks((at - ReplayDataset.ClockStart).Ticks % ReplayDataset.IncidentPeriod.Ticks);
        return offset >= CheckoutIncident.Start && offset < CheckoutIncident.Start + CheckoutIncident.Duration;
    }
}

/// <summary>SplitMix64: a deterministic stream of numbers from a seed (the demo's variables, not security).</summary>
internal struct Mixer(ulong seed)
{
    private ulong _state = seed;

    public int Next(int min, int max)
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return min + (int)(z % (ulong)(max - min));
    }
}
