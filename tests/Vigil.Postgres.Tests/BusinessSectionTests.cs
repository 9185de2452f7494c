using Vigil.Configuration;
using Vigil.Core.Detection;

namespace Vigil.Postgres.Tests;

public sealed class BusinessSectionTests
{
    private static (BusinessOptions? Options, IReadOnlyList<string> Errors) Read(string yaml, params (string Name, string Value)[] env)
    {
        var (sections, errors) = new ConfigDispatcher([new BusinessSection()], DetectorRegistry.CreateDefault())
            .ReadYaml(yaml, env.ToDictionary(e => e.Name, e => (string?)e.Value, StringComparer.Ordinal));
        return (sections.Get<BusinessOptions>(), errors);
    }

    [Fact]
    public void Read_InvalidBusinessSection_ErrorsHavePaths()
    {
        var (_, errors) = Read("""
            business:
              ingest: { max_body_bytes: 10 }
              aggregation: { interval: 10ms, start_at: yesterday }
              detector: { type: rolling_sigma, k: -1 }
            """);

        Assert.Contains("business.database: required", errors);
        Assert.Contains(errors, e => e.StartsWith("business.ingest.max_body_bytes:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("business.aggregation.interval:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("business.aggregation.start_at:", StringComparison.Ordinal));
        Assert.Single(errors, e => e.StartsWith("business.detector.k:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DatabaseVariableAlone_DefaultPipeline()
    {
        var (options, errors) = Read(string.Empty, ("VIGIL_DATABASE", "Host=db;Database=shop"));

        Assert.Empty(errors);
        Assert.Equal("Host=db;Database=shop", options!.ConnectionString);
        Assert.Equal(new BusinessMetricsOptions().Aggregation.Interval, options.Pipeline.Aggregation.Interval);
    }

    [Fact]
    public void Describe_ConnectionStringWithPassword_NamesHostAndDatabaseOnly()
    {
        var (options, _) = Read(string.Empty, ("VIGIL_DATABASE", "Host=db.example;Database=shop;Username=u;Password=secret"));

        var line = options!.Describe();

        Assert.StartsWith("the business-metrics pipeline on PostgreSQL db.example/shop", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
    }
}
