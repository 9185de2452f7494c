using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Alerting;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Inspection;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Sources.Files;
using Vigil.Testing;
using Vigil.Testing.Servers;

namespace Vigil.Tests.Hosting;

/// <summary>
/// `vigil run`'s composition with a <c>logs:</c> file source, the inspector's log-patterns sensor and alerting to a
/// real Alertmanager (shadow mode off): a kind of line written to the file after start-up is in the next inspection
/// report, is an alert in Alertmanager, and is in the event store's new-template history. The test waits on the
/// inspector's round signal and polls the servers with bounds, never on the clock.
/// </summary>
public sealed class LogInspectionHostTests : IAsyncLifetime, IDisposable
{
    private const string NewKind = "payment gateway timed out after";
    private readonly TempDirectory _dir = new("vigil-log-inspection-host-");

    // The webhook is not under test here (Alertmanager's API is read instead): a port nothing listens on.
    private readonly AlertmanagerServer _alertmanager = new(new Uri("http://127.0.0.1:9/"));

    public Task InitializeAsync() => _alertmanager.InitializeAsync();

    public Task DisposeAsync() => _alertmanager.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_NewTemplateWrittenToTheFile_InTheNextReportInAlertmanagerAndInTheEventStore()
    {
        var log = _dir.File("app.log");
        await File.WriteAllTextAsync(log, string.Concat(Enumerable.Range(0, 5).Select(i => FormattableString.Invariant($"user u{i} logged in from 10.0.0.{i}\n"))));
        var sections = new ConfigSections();
        sections.Set(new LogsOptions
        {
            Sources = [new LogSourceOptions { Name = "app", Format = LogFormat.None, File = new FileSourceOptions { Include = [log], PollInterval = TimeSpan.FromMilliseconds(100) } }],
        });
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2), StateDirectory = _dir.File("state") },
            Logging = new LoggingOptions { Level = "Warning" },
            Jobs = [],
            Sections = sections,

            // The demo's replay metrics are the data source; only the log sensor is on, so every alert is a log pattern.
            // Its interval is on the replay clock (60×): a round every second of real time.
            Inspection = InspectionDefaults.Demo with
            {
                Interval = TimeSpan.FromMinutes(1),
                ShadowMode = false,
                Baseline = new BaselineSensorOptions { Enabled = false },
                Trend = new TrendSensorOptions { Enabled = false },
            },
            Alerting = new AlertingOptions { Alertmanagers = [new AlertmanagerTarget { Url = _alertmanager.BaseUrl }], RetryBaseDelay = TimeSpan.FromMilliseconds(200) },
        };
        var host = VigilHost.Build(options);
        await using var _ = host;
        var rounds = new RoundWatcher(host.Services.GetRequiredService<Inspector>());
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        // The first kind of line is reported once; then a new kind is appended while Vigil runs.
        var first = await rounds.WaitForAsync(r => r.Alerts.Any(a => a.Finding.Summary.Contains("logged in", StringComparison.Ordinal)), "the first template reported");
        await File.AppendAllTextAsync(log, string.Concat(Enumerable.Range(0, 3).Select(i => FormattableString.Invariant($"{NewKind} {3000 + i} ms for order {70000 + i}\n"))));
        var next = await rounds.WaitForAsync(r => r.Alerts.Any(a => a.Finding.Summary.Contains(NewKind, StringComparison.Ordinal)), "the new template reported");

        // Rounds run every second: by now a later round may be the latest, so the API is asked for this round by its time.
        var served = await WaitForStoredRoundAsync(http, next);
        var alerts = await WaitForAlertmanagerAsync();
        using var events = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/logs/events?source=app", UriKind.Relative)));
        await host.StopAsync();

        var raised = Assert.Single(next.Alerts);
        Assert.Equal(("log_patterns", "VigilNewLogPattern", "sent"), (raised.Finding.Sensor, raised.Finding.AlertName, raised.Outcome));
        Assert.DoesNotContain(next.Alerts, a => a.Finding.Summary.Contains("logged in", StringComparison.Ordinal)); // reported once, in its own round
        Assert.NotEqual(first.RoundId, next.RoundId);
        var reported = Assert.Single(served.GetProperty("alerts").EnumerateArray());
        Assert.StartsWith(NewKind, reported.GetProperty("template").GetString(), StringComparison.Ordinal);

        var templateId = raised.Finding.Labels["template_id"];
        var delivered = Assert.Single(alerts.RootElement.EnumerateArray(), a => a.GetProperty("labels").TryGetProperty("template_id", out var id) && id.GetString() == templateId);
        Assert.Equal("VigilNewLogPattern", delivered.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("app", delivered.GetProperty("labels").GetProperty("log_source").GetString());
        Assert.Contains(NewKind, delivered.GetProperty("annotations").GetProperty("summary").GetString(), StringComparison.Ordinal);

        var stored = events.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, stored.Count);
        Assert.StartsWith(NewKind, stored[0].GetProperty("template").GetString(), StringComparison.Ordinal); // newest first
        Assert.Equal(templateId, stored[0].GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The stored report of <paramref name="round"/> as <c>/api/v1/inspections</c> serves it (stored just after the round ends).</summary>
    private static async Task<JsonElement> WaitForStoredRoundAsync(HttpClient http, InspectionRoundReport round)
    {
        var from = Uri.EscapeDataString(round.StartedAt.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(round.FinishedAt.AddMinutes(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 0; i < 300; i++)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/v1/inspections?from={from}&to={to}&limit=1000", UriKind.Relative)));
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("round_id").GetString() == round.RoundId)
                {
                    return item.Clone();
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"round {round.RoundId} was not served by /api/v1/inspections");
    }

    private async Task<JsonDocument> WaitForAlertmanagerAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            var body = await _alertmanager.Api.GetStringAsync(new Uri("/api/v2/alerts?filter=alertname%3D%22VigilNewLogPattern%22", UriKind.Relative));
            var document = JsonDocument.Parse(body);
            if (document.RootElement.EnumerateArray().Any(a => a.GetProperty("annotations").GetProperty("summary").GetString()!.Contains(NewKind, StringComparison.Ordinal)))
            {
                return document;
            }

            document.Dispose();
            await Task.Delay(100);
        }

        throw new TimeoutException("the new-template alert did not reach Alertmanager");
    }

    /// <summary>Every finished round, for the test to wait on one that satisfies a condition.</summary>
    private sealed class RoundWatcher
    {
        private readonly Lock _gate = new();
        private readonly List<InspectionRoundReport> _rounds = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RoundWatcher(Inspector inspector) => inspector.RoundFinished += r =>
        {
            lock (_gate)
            {
                _rounds.Add(r);
                _changed.TrySetResult();
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        };

        public async Task<InspectionRoundReport> WaitForAsync(Func<InspectionRoundReport, bool> condition, string what)
        {
            for (var i = 0; i < 120; i++)
            {
                Task changed;
                lock (_gate)
                {
                    if (_rounds.FirstOrDefault(condition) is { } round)
                    {
                        return round;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            throw new TimeoutException("timed out waiting for " + what);
        }
    }
}
