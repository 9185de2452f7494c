using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Export.RemoteWrite;

namespace Vigil.Export.Tests.RemoteWrite;

public sealed class RemoteWriteSectionTests
{
    private static (RemoteWriteOptions? Options, IReadOnlyList<string> Errors) Read(string yaml, params (string Name, string Value)[] environment)
    {
        var env = environment.ToDictionary(e => e.Name, e => (string?)e.Value, StringComparer.Ordinal);
        var (sections, errors) = new ConfigDispatcher([new RemoteWriteSection()], DetectorRegistry.CreateDefault()).ReadYaml(yaml, env);
        return (sections.Get<RemoteWriteOptions>(), errors);
    }

    [Fact]
    public void Read_FullSection_ReadsEveryKey()
    {
        var (options, errors) = Read("""
            remote_write:
              url: http://prometheus:9090/api/v1/write
              bearer_token: s3cret
              queue_capacity: 5000
              max_points_per_request: 100
              timeout: 5s
              retry_base_delay: 250ms
              retry_max_delay: 10s
              max_attempts: 4
            """);

        Assert.Empty(errors);
        Assert.Equal(new Uri("http://prometheus:9090/api/v1/write"), options!.Url);
        Assert.Equal("s3cret", options.BearerToken);
        Assert.Equal((5000, 100, 4), (options.QueueCapacity, options.MaxPointsPerRequest, options.MaxAttempts));
        Assert.Equal(
            (TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10)),
            (options.Timeout, options.RetryBaseDelay, options.RetryMaxDelay));
    }

    [Fact]
    public void Read_UrlOnly_DefaultsOfTheOptionsClass()
    {
        var (options, errors) = Read("remote_write: { url: 'http://rw:9090/api/v1/write' }");

        var defaults = new RemoteWriteOptions { Url = new Uri("http://x/") };
        Assert.Empty(errors);
        Assert.Equal(
            (defaults.QueueCapacity, defaults.MaxPointsPerRequest, defaults.Timeout, defaults.MaxAttempts, (string?)null),
            (options!.QueueCapacity, options.MaxPointsPerRequest, options.Timeout, options.MaxAttempts, options.BearerToken));
    }

    [Fact]
    public void Read_EnvironmentAlone_TurnsItOn()
    {
        var (options, errors) = Read(string.Empty, ("VIGIL_REMOTE_WRITE_URL", "https://mimir.example/api/v1/push"), ("VIGIL_REMOTE_WRITE_TOKEN", "t"));

        Assert.Empty(errors);
        Assert.Equal((new Uri("https://mimir.example/api/v1/push"), "t"), (options!.Url, options.BearerToken));
    }

    [Theory]
    [InlineData("remote_write: { }", "remote_write.url: required")]
    [InlineData("remote_write: { url: 'not a url' }", "remote_write.url:")]
    [InlineData("remote_write: { url: 'ftp://x/write' }", "remote_write.url: must be an absolute http(s) URL")]
    [InlineData("remote_write: { url: 'http://x/w', retry_base_delay: 20s, retry_max_delay: 1s }", "remote_write.retry:")]
    [InlineData("remote_write: { url: 'http://x/w', queue_capacity: 0 }", "remote_write.queue_capacity:")]
    [InlineData("remote_write: { url: 'http://x/w', batch: 10 }", "batch")]
    public void Read_Invalid_ErrorWithPath(string yaml, string expected)
    {
        var (_, errors) = Read(yaml);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_Absent_NothingConfigured()
    {
        var (options, errors) = Read(string.Empty);

        Assert.Empty(errors);
        Assert.Null(options);
    }
}
