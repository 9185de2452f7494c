using Vigil.Configuration;
using Vigil.Core.Detection;

namespace Vigil.Prometheus.Tests;

public sealed class PrometheusSectionTests
{
    private static (PrometheusClientOptions? Options, IReadOnlyList<string> Errors) Read(string yaml, params (string Name, string Value)[] env)
    {
        var (sections, errors) = new ConfigDispatcher([new PrometheusSection()], DetectorRegistry.CreateDefault())
            .ReadYaml(yaml, env.ToDictionary(e => e.Name, e => (string?)e.Value, StringComparer.Ordinal));
        return (sections.Get<PrometheusClientOptions>(), errors);
    }

    [Fact]
    public void Read_OnlyUrl_TakesEveryOtherDefaultFromTheOptionsClass()
    {
        var (options, errors) = Read("sources: { prometheus: { url: 'http://p:9090' } }");

        Assert.Empty(errors);
        Assert.Equal(new PrometheusClientOptions { BaseUrl = new Uri("http://p:9090") }, options);
    }

    [Fact]
    public void Read_Absent_NothingConfigured()
        => Assert.Null(Read("sources: { }").Options);

    [Fact]
    public void Read_EnvironmentUrl_WinsOverTheFile()
        => Assert.Equal(new Uri("http://env:9090"), Read("sources: { prometheus: { url: 'http://file:9090' } }", ("PROMETHEUS_URL", "http://env:9090")).Options!.BaseUrl);

    [Fact]
    public void Read_AuthRules_ReportedOnceUnderTheSectionPath()
    {
        var (_, errors) = Read("sources: { prometheus: { bearer_token: t, username: u, password: p } }");

        Assert.Equal(["sources.prometheus.username: basic auth and a bearer token are mutually exclusive"], errors);
    }

    [Fact]
    public void Read_OutOfRangeValues_UseTheOptionsClassLimits()
    {
        var (_, errors) = Read("sources: { prometheus: { timeout: 1ms, max_retries: 21, retry_base_delay: 1m } }");

        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.timeout: must be between 10ms and 10m", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.max_retries: must be a whole number between 0 and 20", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.retry_base_delay: must be between 0s and 10s", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sources: { prometheus: { url: 'http://p:9090' } }", true)]
    [InlineData("sources: { prometheus: { url: 'http://p:9090', compression: false } }", false)]
    [InlineData("sources: { prometheus: { url: 'http://p:9090', compression: true } }", true)]
    public void Read_Compression_DefaultsToOnAndCanBeTurnedOff(string yaml, bool expected)
    {
        var (options, errors) = Read(yaml);

        Assert.Empty(errors);
        Assert.Equal(expected, options!.Compression);
    }

    [Theory]
    [InlineData("sources: { prometheus: { url: 'http://p:9090' } }", PrometheusProtocol.Query, 300)]
    [InlineData("sources: { prometheus: { url: 'http://p:9090', protocol: query } }", PrometheusProtocol.Query, 300)]
    [InlineData("sources: { prometheus: { url: 'http://p:9090', protocol: remote_read, lookback_delta: 45s } }", PrometheusProtocol.RemoteRead, 45)]
    public void Read_Protocol_DefaultsToTheQueryApi(string yaml, PrometheusProtocol expected, int lookbackSeconds)
    {
        var (options, errors) = Read(yaml);

        Assert.Empty(errors);
        Assert.Equal(expected, options!.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(lookbackSeconds), options.LookbackDelta);
    }

    [Fact]
    public void Read_UnknownProtocolAndBadLookback_ReportBothPaths()
    {
        var (_, errors) = Read("sources: { prometheus: { protocol: remote_write, lookback_delta: 0s } }");

        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.protocol: must be query (the HTTP query API, any PromQL) or remote_read", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.lookback_delta:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_CompressionNotABoolean_ReportsThePath()
        => Assert.Contains(Read("sources: { prometheus: { compression: maybe } }").Errors, e => e.StartsWith("sources.prometheus.compression:", StringComparison.Ordinal));

    [Theory]
    [InlineData("not a url", "PROMETHEUS_URL: 'not a url' is not an absolute http(s) URL")]
    [InlineData("http://u:secret@p:9090", "PROMETHEUS_URL: must not contain credentials; use username/password or bearer_token")]
    public void Read_BadEnvironmentUrl_NamesTheVariable(string url, string expected)
        => Assert.Contains(expected, Read(string.Empty, ("PROMETHEUS_URL", url)).Errors);
}
