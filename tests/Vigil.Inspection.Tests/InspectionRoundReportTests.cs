using System.Text.Json;
using Vigil.Alerting;
using Vigil.Inspection.Sensors;

namespace Vigil.Inspection.Tests;

public sealed class InspectionRoundReportTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The report's JSON is the stored body and the API's answer: pinned by a golden file.</summary>
    [Fact]
    public void ToJson_FixedReport_MatchesGoldenFile()
    {
        var finding = InspectionHarness.Finding("baseline") with
        {
            AlertName = "VigilBaselineDeviation",
            Severity = AlertSeverity.Critical,
            Numbers = new Dictionary<string, double> { ["current"] = 198.5, ["expected"] = 77.05, ["deviation_sigma"] = 31.04, ["lower"] = double.NaN },
            Facts = new Dictionary<string, string> { ["detector"] = "seasonal" },
        };
        var report = new InspectionRoundReport
        {
            RoundId = "20260106T002043Z-81e509e9",
            StartedAt = new DateTimeOffset(2026, 1, 6, 0, 20, 43, 831, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 1, 6, 0, 20, 43, 895, TimeSpan.Zero),
            Shadow = true,
            Sensors = new Dictionary<string, SensorSummary>
            {
                ["trend"] = new(SensorStatus.Timeout, 0, 0, TimeSpan.FromSeconds(30), ["trend: timed out after 30 s"]),
                ["baseline"] = new(SensorStatus.Ok, 9, 1, TimeSpan.FromMilliseconds(12.3456), []),
                ["log_patterns"] = new(SensorStatus.Disabled, 0, 0, TimeSpan.Zero, []),
            },
            Alerts = [new RaisedAlert(finding, "shadow", "vigil:alert:baseline:0123")],
            Errors = ["trend: timed out after 30 s"],
        };

        var actual = JsonSerializer.Serialize(JsonDocument.Parse(report.ToJson()).RootElement, Indented);

        var golden = Path.Combine(AppContext.BaseDirectory, "golden", "inspection-report.json");
        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n").TrimEnd(), actual.ReplaceLineEndings("\n").TrimEnd());
    }
}
