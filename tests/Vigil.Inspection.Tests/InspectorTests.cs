using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Alerting;
using Vigil.EventStore;
using Vigil.Inspection.Sensors;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Tests;

public sealed class InspectorTests
{
    [Fact]
    public async Task RunRoundAsync_SensorThrows_RecordedInErrorsAndOthersFinish()
    {
        var broken = new FakeSensor("broken", (_, _) => throw new InvalidOperationException("boom"));
        var healthy = FakeSensor.Finding("healthy", findings: 2);
        var publisher = new RecordingPublisher();
        await using var h = await InspectionHarness.CreateAsync([broken, healthy], publisher);

        var report = await h.Inspector.RunRoundAsync(CancellationToken.None);

        Assert.Equal(SensorStatus.Error, report.Sensors["broken"].Status);
        Assert.Equal(SensorStatus.Ok, report.Sensors["healthy"].Status);
        Assert.Contains(report.Errors, e => e.Contains("broken", StringComparison.Ordinal) && e.Contains("boom", StringComparison.Ordinal));
        Assert.Equal(2, report.Alerts.Count);
        Assert.Equal(2, publisher.Published.Count);
        Assert.Equal(1, h.InspectionMetrics.SensorErrors.WithLabels("broken").Value);
        Assert.Equal(0, h.InspectionMetrics.SensorErrors.WithLabels("healthy").Value);
        Assert.Equal(1, h.Metrics.Errors.WithLabels(ErrorTypes.InspectionSensor).Value);
        Assert.Equal(1, h.InspectionMetrics.Rounds.WithLabels("sensor_errors").Value);
    }

    [Fact]
    public async Task RunRoundAsync_SensorHangsPastTimeout_RecordedAsTimeoutAndOthersFinish()
    {
        // Ignores its token on purpose: the round must not depend on a sensor's good behaviour.
        var never = new TaskCompletionSource<SensorResult>();
        var hanging = new FakeSensor("hanging", (_, _) => never.Task, TimeSpan.FromSeconds(10));
        var healthy = FakeSensor.Finding("healthy");
        await using var h = await InspectionHarness.CreateAsync([hanging, healthy], new RecordingPublisher());

        var round = h.Inspector.RunRoundAsync(CancellationToken.None);
        // Task.Run starts the sensors on the pool: wait until the hanging one is in, then move the clock past its timeout.
        await hanging.Called(1);
        Assert.False(round.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(11));
        var report = await round.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(SensorStatus.Timeout, report.Sensors["hanging"].Status);
        Assert.Equal(SensorStatus.Ok, report.Sensors["healthy"].Status);
        Assert.Single(report.Alerts);
        Assert.Contains(report.Errors, e => e.Contains("hanging: timed out after 10 s", StringComparison.Ordinal));
        Assert.Equal(1, h.InspectionMetrics.SensorErrors.WithLabels("hanging").Value);
    }

    [Fact]
    public async Task RunRoundAsync_ShadowMode_EveryAlertMarkedShadow()
    {
        var publisher = new RecordingPublisher();
        await using var h = await InspectionHarness.CreateAsync([FakeSensor.Finding("baseline", 3)], publisher, InspectionHarness.Options(shadow: true));

        var report = await h.Inspector.RunRoundAsync(CancellationToken.None);

        Assert.Equal(3, publisher.Published.Count);
        Assert.All(publisher.Published, a => Assert.True(a.Shadow));
        Assert.All(report.Alerts, a => Assert.Equal("shadow", a.Outcome));
        Assert.True(report.Shadow);
        Assert.Equal(1, h.InspectionMetrics.ShadowMode.Unlabelled.Value);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public async Task RunRoundAsync_RealAlertingWithWebhook_ShadowDeliversNothing(bool shadow, int expectedPosts)
    {
        using var directory = new TempDirectory("vigil-inspection-alerting-");
        var webhook = new CountingHandler();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(InspectionHarness.Start));
        services.AddEventStore(new EventStoreOptions { SqlitePath = directory.File("events.db") });
        services.AddAlerting(new AlertingOptions { Webhooks = [new Uri("http://127.0.0.1:9/hook")] });
        services.AddHttpClient("vigil-alerting").ConfigurePrimaryHttpMessageHandler(() => webhook);
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IEventStore>().MigrateAsync(CancellationToken.None);
        await using var h = await InspectionHarness.CreateAsync([FakeSensor.Finding("trend")], provider.GetRequiredService<IAlertPublisher>(), InspectionHarness.Options(shadow));

        var report = await h.Inspector.RunRoundAsync(CancellationToken.None);

        Assert.Equal(shadow ? "shadow" : "sent", Assert.Single(report.Alerts).Outcome);
        Assert.Equal(expectedPosts, webhook.Posts);
    }

    [Fact]
    public async Task RunRoundAsync_Finished_ReportCachedAndStoredWithCounts()
    {
        var failing = new FakeSensor("trend", (_, _) => throw new TimeoutException("prometheus too slow"));
        await using var h = await InspectionHarness.CreateAsync([FakeSensor.Finding("baseline", 2), failing, new FakeSensor("log_patterns", (_, _) => Task.FromResult(SensorResult.Empty)) { Enabled = false }], new RecordingPublisher());

        var report = await h.Inspector.RunRoundAsync(CancellationToken.None);

        Assert.Same(report, h.Inspector.Latest);
        var stored = await h.Store.GetLatestInspectionReportAsync(CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(report.RoundId, stored.RoundId);
        Assert.Equal(report.Errors, stored.Errors);
        using var body = JsonDocument.Parse(stored.Body);
        var root = body.RootElement;
        Assert.Equal(report.RoundId, root.GetProperty("round_id").GetString());
        Assert.True(root.GetProperty("shadow").GetBoolean());
        Assert.Equal(2, root.GetProperty("sensors").GetProperty("baseline").GetProperty("findings").GetInt32());
        Assert.Equal("error", root.GetProperty("sensors").GetProperty("trend").GetProperty("status").GetString());
        Assert.Equal("disabled", root.GetProperty("sensors").GetProperty("log_patterns").GetProperty("status").GetString());
        Assert.Equal(2, root.GetProperty("alerts").GetArrayLength());
        Assert.Equal("VigilTestFinding", root.GetProperty("alerts")[0].GetProperty("alertname").GetString());
        Assert.Single(root.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task RunRoundAsync_CalledWhileRunning_Refused()
    {
        var release = new TaskCompletionSource<SensorResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new FakeSensor("slow", (_, _) => release.Task);
        await using var h = await InspectionHarness.CreateAsync([slow], new RecordingPublisher());

        var first = h.Inspector.RunRoundAsync(CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Inspector.RunRoundAsync(CancellationToken.None));
        release.SetResult(SensorResult.Empty);
        await first;

        Assert.Equal(1, slow.Calls);
    }

    [Fact]
    public async Task WorkScheduler_RoundOverrunsInterval_RoundsNeverOverlap()
    {
        var time = new FakeTimeProvider(InspectionHarness.Start);
        var active = 0;
        var maxActive = 0;
        TaskCompletionSource<SensorResult>[] gates = [new(), new(), new()];
        var calls = 0;
        var sensor = new FakeSensor("slow", (_, _) => RunAsync(gates[Interlocked.Increment(ref calls) - 1]), TimeSpan.FromHours(1));

        async Task<SensorResult> RunAsync(TaskCompletionSource<SensorResult> gate)
        {
            InterlockedMax(ref maxActive, Interlocked.Increment(ref active));
            try
            {
                return await gate.Task;
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        }

        var options = InspectionHarness.Options() with { Interval = TimeSpan.FromMinutes(5) };
        await using var h = await InspectionHarness.CreateAsync([sensor], new RecordingPublisher(), options, time: time);
        var work = new InspectionWork(h.Inspector, options, new InspectionClocks(time, time));
        var scheduler = new WorkScheduler([work], time, new SchedulerOptions { ShutdownGrace = TimeSpan.Zero }, NullLogger<WorkScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);

        await sensor.Called(1);
        // Three intervals pass while the first round is still running: no second round may start beside it.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(5));
            await Task.Yield();
        }

        Assert.Equal(1, Volatile.Read(ref sensor.Calls));
        gates[0].SetResult(SensorResult.Empty);

        // The missed ticks are skipped, not queued: one round runs on the tick that falls on the end of the overrun.
        await sensor.Called(2);
        gates[1].SetResult(SensorResult.Empty);

        await scheduler.StopAsync(CancellationToken.None);
        Assert.Equal(1, maxActive);
        Assert.Equal(2, sensor.Calls);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _posts);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
