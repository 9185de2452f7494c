using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.Alerting;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.EventStore;
using AnomalyEpisode = Vigil.Pipeline.Episodes.AnomalyEpisode;
using Vigil.Hosting;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Verdicts;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>`vigil run`'s composition with alerting: the embedded demo's onsets reach the log receiver through the real notifier.</summary>
public sealed class AlertingCompositionTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-alerting-host-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddVigil_EmbeddedDemo_OnsetAndEndOfAReplayJobAreDeliveredToTheLog()
    {
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(null, new Dictionary<string, string?> { ["VIGIL_STATE_DIR"] = _dir.Path });
        var log = new AlertLog();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(log));
        services.AddVigil(options, new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IEventStore>().MigrateAsync(CancellationToken.None);
        var route = provider.GetServices<IHostedService>().Single(s => s.GetType().Name == "OnsetAlertService");
        var sink = provider.GetServices<IEpisodeSink>().Single(s => s.GetType().Name == "OnsetAlertSink");
        await route.StartAsync(CancellationToken.None);
        try
        {
            var labels = Labels.From(new Label("service", "checkout"));
            var episode = new Episode(1_800_000_000_000, 1_800_000_060_000, 1_800_000_000_000, 3.5, 420, 100, AnomalyTest.Point, 1);
            sink.OnEpisode(new AnomalyEpisode(EpisodeEventKind.Opened, "replay-requests", labels, "auto", ModelRole.None, episode));
            var firing = await log.Next.WaitAsync(TimeSpan.FromSeconds(30));
            sink.OnEpisode(new AnomalyEpisode(EpisodeEventKind.Closed, "replay-requests", labels, "auto", ModelRole.None, episode));
            var resolved = await log.Next.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.StartsWith("ALERT firing VigilAnomalyOnset {", firing, StringComparison.Ordinal);
            Assert.Contains("service=\"checkout\"", firing, StringComparison.Ordinal);
            Assert.Contains("vigil_job=\"replay-requests\"", firing, StringComparison.Ordinal);
            Assert.StartsWith("ALERT resolved VigilAnomalyOnset", resolved, StringComparison.Ordinal);
        }
        finally
        {
            await route.StopAsync(CancellationToken.None);
        }

        // Stopping while it waits for the next episode is a shutdown, not a fault: the host logs a faulted or
        // cancelled ExecuteAsync as "BackgroundService failed" when it is disposed without being stopped first.
        Assert.True(((BackgroundService)route).ExecuteTask!.IsCompletedSuccessfully, $"ExecuteTask ended {((BackgroundService)route).ExecuteTask!.Status}");
    }

    [Fact]
    public void AddVigil_NoAlertingSection_RegistersNoNotifier()
    {
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(null, new Dictionary<string, string?> { ["PROMQL_QUERY"] = "up" });
        var services = new ServiceCollection().AddLogging();

        services.AddVigil(options, TimeProvider.System);

        Assert.Null(options.Alerting);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IAlertPublisher));
    }

    /// <summary>Collects the log receiver's lines (event 8006) and hands them out one at a time, as they come.</summary>
    private sealed class AlertLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<TaskCompletionSource<string>> _waiting = new();
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly Lock _lock = new();

        public Task<string> Next
        {
            get
            {
                lock (_lock)
                {
                    if (_lines.TryDequeue(out var line))
                    {
                        return Task.FromResult(line);
                    }

                    var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiting.Enqueue(waiter);
                    return waiter.Task;
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != 8006)
            {
                return;
            }

            lock (_lock)
            {
                var line = formatter(state, exception);
                if (_waiting.TryDequeue(out var waiter))
                {
                    waiter.SetResult(line);
                }
                else
                {
                    _lines.Enqueue(line);
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
