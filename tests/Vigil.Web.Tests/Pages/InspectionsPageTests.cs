using Vigil.Alerting;
using Vigil.EventStore;
using Vigil.Inspection;
using Vigil.Inspection.Sensors;
using Vigil.Web.Tests.Support;

namespace Vigil.Web.Tests.Pages;

/// <summary>The Inspections page reads the stored report into tables (its own host: the test stores a report).</summary>
public sealed class InspectionsPageTests
{
    [Fact]
    public async Task Inspections_StoredReport_ShowsSensorsAndFindingsAsTables()
    {
        await using var host = await DemoHost.StartAsync();
        // Far in the future, so it stays the latest whatever rounds the demo's own inspector stores meanwhile.
        var start = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var report = new InspectionRoundReport
        {
            RoundId = "round-from-the-test",
            StartedAt = start,
            FinishedAt = start.AddSeconds(1),
            Shadow = false,
            Sensors = new Dictionary<string, SensorSummary>(StringComparer.Ordinal)
            {
                ["new_log_templates"] = new(SensorStatus.Ok, 7, 1, TimeSpan.FromMilliseconds(40), []),
                ["trend"] = new(SensorStatus.Error, 0, 0, TimeSpan.FromMilliseconds(5), ["prometheus: connection refused"]),
            },
            Alerts =
            [
                new RaisedAlert(
                    new Finding
                    {
                        Sensor = "new_log_templates",
                        AlertName = "VigilNewLogPattern",
                        Subject = "demo-checkout",
                        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "demo-checkout" },
                        Severity = AlertSeverity.Info,
                        Summary = "new log template in demo-checkout",
                        Description = "…",
                        Facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["template"] = "payment <*> declined" },
                    },
                    "sent",
                    "k"),
            ],
            Errors = ["trend: prometheus: connection refused"],
        };
        await host.Service<IEventStore>().SaveInspectionReportAsync(
            new InspectionReport { RoundId = report.RoundId, StartedAt = report.StartedAt, FinishedAt = report.FinishedAt, Body = report.ToJson(), Errors = report.Errors },
            CancellationToken.None);
        using var http = host.Client();

        var html = await http.GetStringAsync("/inspections");

        Assert.Equal(["new_log_templates", "trend"], Html.RowHeaders(html, "latest-sensors"));
        Assert.Contains("prometheus: connection refused", html, StringComparison.Ordinal);
        Assert.Equal(["VigilNewLogPattern (new_log_templates)"], Html.RowHeaders(html, "latest-findings"));
        Assert.Contains("new log template in demo-checkout (template=payment &lt;*&gt; declined)", html, StringComparison.Ordinal);
        Assert.Contains("Findings were delivered", html, StringComparison.Ordinal);
        // Razor encodes non-ASCII ("×" as &#xD7;): compare the text a reader sees.
        Assert.Contains("VigilNewLogPattern × 1", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }
}
