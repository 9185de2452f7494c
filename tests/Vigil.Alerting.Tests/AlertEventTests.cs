namespace Vigil.Alerting.Tests;

public sealed class AlertEventTests
{
    private static AlertEvent Alert(IReadOnlyDictionary<string, string> labels, string sensor = "baseline", AlertSeverity severity = AlertSeverity.Warning) => new()
    {
        Source = "inspection",
        Sensor = sensor,
        Name = "VigilBaselineDeviation",
        Severity = severity,
        Labels = labels,
        Summary = "s",
        Description = "d",
        StartsAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void DedupKey_LabelOrderAndSeverityDiffer_SameKey()
    {
        var a = Alert(new Dictionary<string, string> { ["job"] = "api", ["instance"] = "a:1" });
        var b = Alert(new Dictionary<string, string> { ["instance"] = "a:1", ["job"] = "api" }, severity: AlertSeverity.Critical);

        Assert.Equal(a.DedupKey, b.DedupKey);
        Assert.StartsWith("vigil:alert:baseline:", a.DedupKey, StringComparison.Ordinal);
        Assert.Equal("vigil:alert:baseline:".Length + 64, a.DedupKey.Length);
    }

    [Fact]
    public void DedupKey_LabelValueOrSensorDiffers_DifferentKey()
    {
        var a = Alert(new Dictionary<string, string> { ["job"] = "api" });
        Assert.NotEqual(a.DedupKey, Alert(new Dictionary<string, string> { ["job"] = "web" }).DedupKey);
        Assert.NotEqual(a.DedupKey, Alert(new Dictionary<string, string> { ["job"] = "api" }, sensor: "trend").DedupKey);
    }

    [Fact]
    public void DedupKey_SeparatorsInsideValues_DoNotCollide()
    {
        var a = Alert(new Dictionary<string, string> { ["a"] = "1;b", ["c"] = "2" });
        var b = Alert(new Dictionary<string, string> { ["a"] = "1", ["b;c"] = "2" });
        Assert.NotEqual(a.DedupKey, b.DedupKey);
    }
}
