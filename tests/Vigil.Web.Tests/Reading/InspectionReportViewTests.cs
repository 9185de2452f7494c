using Vigil.Alerting;
using Vigil.Inspection;
using Vigil.Inspection.Sensors;
using Vigil.Web.Reading;

namespace Vigil.Web.Tests.Reading;

public sealed class InspectionReportViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryParse_ReportTheInspectorWrote_ReadsSensorsAndFindingsWithTheirDetails()
    {
        var finding = new Finding
        {
            Sensor = "baseline",
            AlertName = "VigilBaselineDeviation",
            Subject = "checkout_latency_seconds",
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["metric"] = "checkout", ["instance"] = "a:9100" },
            Severity = AlertSeverity.Warning,
            Summary = "checkout is 4.1σ above its baseline",
            Description = "…",
            Numbers = new Dictionary<string, double>(StringComparer.Ordinal) { ["deviation_sigma"] = 4.123456, ["expected"] = double.NaN },
            Facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["window"] = "1h" },
        };
        var report = new InspectionRoundReport
        {
            RoundId = "r-1",
            StartedAt = Start,
            FinishedAt = Start.AddSeconds(2),
            Shadow = true,
            Sensors = new Dictionary<string, SensorSummary>(StringComparer.Ordinal)
            {
                ["trend"] = new(SensorStatus.Timeout, 3, 0, TimeSpan.FromSeconds(30), ["timed out after 30s"]),
                ["baseline"] = new(SensorStatus.Ok, 12, 1, TimeSpan.FromMilliseconds(250), []),
            },
            Alerts = [new RaisedAlert(finding, "shadow", "k1")],
            Errors = ["trend: timed out after 30s"],
        };

        var view = InspectionReportView.TryParse(report.ToJson());

        Assert.NotNull(view);
        Assert.True(view.Shadow);
        Assert.Equal(["baseline", "trend"], view.Sensors.Select(s => s.Name));
        var trend = view.Sensors[1];
        Assert.Equal(("timeout", 3L, 0L, 30.0), (trend.Status, trend.Inspected, trend.Findings, trend.DurationSeconds));
        Assert.Equal(["timed out after 30s"], trend.Errors);
        var row = Assert.Single(view.Findings);
        Assert.Equal(("VigilBaselineDeviation", "baseline", "checkout_latency_seconds", "warning", "shadow"), (row.AlertName, row.Sensor, row.Subject, row.Severity, row.Outcome));
        // Numbers and facts follow the summary; a non-finite number is stored as null and reads as n/a.
        Assert.Equal("checkout is 4.1σ above its baseline (deviation_sigma=4.123, expected=n/a, window=1h)", row.Summary);
        Assert.Equal(["instance=a:9100", "metric=checkout"], row.Labels.Select(l => l.Key + "=" + l.Value));
    }

    [Fact]
    public void TryParse_OlderReportWithoutSensorsOrAlerts_ReadsAsEmpty()
    {
        var view = InspectionReportView.TryParse("""{"round_id":"r-0","errors":[]}""");

        Assert.NotNull(view);
        Assert.False(view.Shadow);
        Assert.Empty(view.Sensors);
        Assert.Empty(view.Findings);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public void TryParse_NotAReportObject_ReturnsNull(string body)
        => Assert.Null(InspectionReportView.TryParse(body));
}
