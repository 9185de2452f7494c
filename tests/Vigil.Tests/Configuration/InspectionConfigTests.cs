using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Inspection;

namespace Vigil.Tests.Configuration;

/// <summary>The host hands the <c>inspection:</c> node to Vigil.Inspection's reader; its errors join the loader's, with paths.</summary>
public sealed class InspectionConfigTests
{
    [Fact]
    public void TryLoad_InspectionSectionWithPrometheus_OptionsInVigilOptions()
    {
        using var dir = new TempDirectory("vigil-config-inspection-");
        var path = dir.File("vigil.yaml");
        File.WriteAllText(path, """
            sources: { prometheus: { url: "http://prom:9090" } }
            jobs: [{ name: cpu, query: "up" }]
            inspection:
              interval: 1m
              monitored: [{ name: errors, promql: "sum(rate(errors_total[5m]))", threshold: 5 }]
            """);

        var (options, errors) = Load(path, []);

        Assert.Empty(errors);
        Assert.NotNull(options!.Inspection);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Inspection.Interval);
        Assert.Equal(InspectionSource.Prometheus, options.Inspection.Source);
        Assert.Contains(options.DescribeWhatRuns(), l => l.StartsWith("inspection every 1m over 1 metric(s) from prometheus in shadow mode", StringComparison.Ordinal));
    }

    [Fact]
    public void TryLoad_InspectionErrors_ListedWithPathsBesideTheOthers()
    {
        using var dir = new TempDirectory("vigil-config-inspection-");
        var path = dir.File("vigil.yaml");
        File.WriteAllText(path, """
            business: { database: "Host=localhost;Database=vigil" }
            server: { port: 70000 }
            inspection:
              monitored: [{ name: errors, threshold: 5 }]
            """);

        var (_, errors) = Load(path, new Dictionary<string, string?> { ["VIGIL_INSPECTION_TREND_ENABLED"] = "nope" });

        Assert.Contains(errors, e => e.StartsWith("server.port:", StringComparison.Ordinal));
        Assert.Contains("inspection.monitored[0].promql: required", errors);
        Assert.Contains("VIGIL_INSPECTION_TREND_ENABLED: must be true or false (got 'nope')", errors);
        Assert.Contains(errors, e => e.StartsWith("inspection.source: prometheus needs sources.prometheus", StringComparison.Ordinal));
    }

    [Fact]
    public void TryLoad_EmbeddedDemo_InspectsReplayUnlessDisabledByEnvironment()
    {
        var (demo, _) = Load(null, []);
        var (off, _) = Load(null, new Dictionary<string, string?> { ["VIGIL_INSPECTION_ENABLED"] = "false" });

        Assert.Equal(InspectionSource.Replay, demo!.Inspection!.Source);
        Assert.Equal(3, demo.Inspection.Monitored.Count);
        Assert.Null(off!.Inspection);
    }

    private static (VigilOptions? Options, IReadOnlyList<string> Errors) Load(string? path, Dictionary<string, string?> env)
        => new ConfigLoader(DetectorRegistry.CreateDefault()).TryLoad(path, env);
}
