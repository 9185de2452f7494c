using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Vigil.Alerting.Tests;

/// <summary>The webhook an Alertmanager routes to: keeps every notification body it receives.</summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookSink(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<JsonElement> Notifications { get; } = new();

    public static async Task<WebhookSink> StartAsync()
    {
        var port = ServerProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var app = builder.Build();
        var sink = new WebhookSink(app, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/hook"));
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            sink.Notifications.Enqueue(document.RootElement.Clone());
            return Results.Ok();
        });
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Delivery to a real Alertmanager that routes to a webhook this test runs.</summary>
public sealed class AlertmanagerIntegrationTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("vigil-alerting-am-");
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private static IEnumerable<JsonElement> Alerts(WebhookSink sink, string status)
        => sink.Notifications.SelectMany(n => n.GetProperty("alerts").EnumerateArray()).Where(a => a.GetProperty("status").GetString() == status);

    // The resend interval sets the endsAt lease (four intervals): a test that does not run delivery cycles needs a
    // lease longer than the test, or a loaded machine lets Alertmanager expire the alert before it is checked.
    private async Task<AlertingHarness> CreateAsync(AlertmanagerServer am, TimeSpan retry, TimeSpan resend) => await AlertingHarness.CreateAsync(
        new AlertingOptions { RetryBaseDelay = retry, RetryMaxDelay = retry, ResendInterval = resend },
        TimeProvider.System,
        [new AlertmanagerReceiver(_http, new AlertmanagerTarget { Url = am.BaseUrl })],
        sqlitePath: _dir.File("events.db"));

    [Fact]
    public async Task PublishAsync_RealAlertmanager_ArrivesGroupedWithLabelsAndAnnotationsThenResolves()
    {
        await using var sink = await WebhookSink.StartAsync();
        await using var am = new AlertmanagerServer(sink.Url);
        await am.InitializeAsync();
        await using var harness = await CreateAsync(am, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1));
        var first = AlertingHarness.Alert("a:9100");
        var second = AlertingHarness.Alert("b:9100");

        Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(first, default));
        Assert.Equal(AlertPublishOutcome.Sent, await harness.Notifier.PublishAsync(second, default));
        await am.WaitUntilAsync(() => Task.FromResult(sink.Notifications.Any(n => n.GetProperty("alerts").GetArrayLength() == 2)), Deadline, "one grouped notification with both alerts");

        var group = sink.Notifications.First(n => n.GetProperty("alerts").GetArrayLength() == 2);
        Assert.Equal("VigilBaselineDeviation", group.GetProperty("groupLabels").GetProperty("alertname").GetString());
        var alert = group.GetProperty("alerts").EnumerateArray().First(a => a.GetProperty("labels").GetProperty("instance").GetString() == "a:9100");
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        Assert.Equal("critical", alert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("baseline", alert.GetProperty("labels").GetProperty("sensor").GetString());
        Assert.Equal("node", alert.GetProperty("labels").GetProperty("job").GetString());
        Assert.Equal("cpu far above baseline", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("0.96999999999999997", alert.GetProperty("annotations").GetProperty("value").GetString());

        var now = TimeProvider.System.GetUtcNow();
        await harness.Notifier.ResolveAsync(first.DedupKey, now, default);
        await harness.Notifier.ResolveAsync(second.DedupKey, now, default);
        await am.WaitUntilAsync(() => Task.FromResult(Alerts(sink, "resolved").Count() >= 2), Deadline, "both alerts resolved");
    }

    [Fact]
    public async Task PublishAsync_AlertmanagerDownThenBack_QueuedAlertDeliveredOnce()
    {
        await using var sink = await WebhookSink.StartAsync();
        await using var am = new AlertmanagerServer(sink.Url);
        await am.InitializeAsync();
        await am.StopAsync();
        await using var harness = await CreateAsync(am, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        var alert = AlertingHarness.Alert("outage:9100");

        Assert.Equal(AlertPublishOutcome.Queued, await harness.Notifier.PublishAsync(alert, default));
        await am.StartAsync();
        await am.WaitUntilAsync(
            async () =>
            {
                await harness.Notifier.RunCycleAsync(default);
                return Alerts(sink, "firing").Any();
            },
            Deadline,
            "the queued alert delivered after recovery");

        // Re-send (as the delivery loop does every resend interval) until Alertmanager has taken at least two more
        // posts of the same alert: it must merge them into the alert it already notified, not notify again.
        var receiver = harness.Notifier.Receivers[0].Name;
        var sent = harness.AlertMetrics.Notifications.WithLabels(receiver, "sent").Value;
        await am.WaitUntilAsync(
            async () =>
            {
                await harness.Notifier.RunCycleAsync(default);
                return harness.AlertMetrics.Notifications.WithLabels(receiver, "sent").Value >= sent + 2;
            },
            Deadline,
            "two re-sends accepted");

        var firing = Alerts(sink, "firing").Where(a => a.GetProperty("labels").GetProperty("instance").GetString() == "outage:9100").ToList();
        Assert.Single(firing);
        Assert.Equal(0, harness.AlertMetrics.OutboxDepth.Unlabelled.Value);
    }
}
