using Vigil.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Detection;

namespace Vigil.Alerting.Tests;

public sealed class AlertingSectionTests
{
    private static (AlertingOptions? Options, IReadOnlyList<string> Errors) Read(string yaml)
    {
        var (sections, errors) = new ConfigDispatcher([new AlertingSection()], DetectorRegistry.CreateDefault()).ReadYaml(yaml);
        return (sections.Get<AlertingOptions>(), errors);
    }

    [Fact]
    public void Read_FullSection_ReadsEveryKey()
    {
        var (options, errors) = Read("""
            alerting:
              alertmanagers:
                - url: http://am-1:9093
                - { url: 'http://am-2:9093', bearer_token: t0ken }
              webhooks: [ 'http://hooks:8080/vigil' ]
              log: true
              resend_interval: 30s
              dedup_window: 1h
              shadow_mode: true
              external_url: http://vigil.example:8000/
            redis:
              url: 127.0.0.1:6379
            """);

        Assert.Empty(errors);
        Assert.Equal([new Uri("http://am-1:9093"), new Uri("http://am-2:9093")], options!.Alertmanagers.Select(a => a.Url));
        Assert.Equal("t0ken", options.Alertmanagers[1].BearerToken);
        Assert.Equal([new Uri("http://hooks:8080/vigil")], options.Webhooks);
        Assert.True(options.Log);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), true), (options.ResendInterval, options.DedupWindow, options.ShadowMode));
        Assert.Equal(new Uri("http://vigil.example:8000/"), options.ExternalUrl);
        Assert.Equal("127.0.0.1:6379", options.RedisUrl);
    }

    [Fact]
    public void Read_EmptySection_DefaultsOfTheOptionsClass()
    {
        var (options, errors) = Read("alerting: { }");

        var defaults = new AlertingOptions();
        Assert.Empty(errors);
        Assert.Equal(
            (defaults.ResendInterval, defaults.DedupWindow, defaults.ShadowMode, defaults.Log, defaults.RedisUrl, defaults.ExternalUrl),
            (options!.ResendInterval, options.DedupWindow, options.ShadowMode, options.Log, options.RedisUrl, options.ExternalUrl));
        Assert.Empty(options.Alertmanagers);
        Assert.Empty(options.Webhooks);
    }

    [Fact]
    public void Read_Absent_NothingConfigured()
        => Assert.Null(Read(string.Empty).Options);

    [Fact]
    public void Read_InvalidValues_EveryErrorWithItsPath()
    {
        var (_, errors) = Read("""
            alerting:
              alertmanagers: [ { url: 'ftp://am:9093' }, { bearer_token: x }, 'http://am:9093' ]
              webhooks: [ 'not a url' ]
              resend_interval: 0s
              dedup_window: 30
              colour: red
            redis: { url: '' }
            """);

        Assert.Contains(errors, e => e.StartsWith("alerting.alertmanagers[0].url: must be an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains("alerting.alertmanagers[1].url: required", errors);
        Assert.Contains(errors, e => e.StartsWith("alerting.alertmanagers[2]: must be a mapping", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerting.webhooks[0]:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerting.resend_interval: must be between", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerting.dedup_window: '30' is not a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerting.colour: unknown key", StringComparison.Ordinal));
        Assert.Contains("redis.url: required", errors);
    }

    [Fact]
    public void Read_RedisWithoutAlerting_IsAnError()
        => Assert.Contains("redis: only used by alerting (dedup of alerts): add an alerting section", Read("redis: { url: 'x:6379' }").Errors);

    [Fact]
    public void AddAlerting_InvalidOptions_ThrowsConfigExceptionWithPaths()
    {
        var ex = Assert.Throws<ConfigException>(() => new ServiceCollection().AddAlerting(new AlertingOptions { DedupWindow = TimeSpan.Zero }));

        Assert.Contains(ex.Errors, e => e.StartsWith("alerting.dedup_window: must be positive", StringComparison.Ordinal));
    }
}
