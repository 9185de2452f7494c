namespace Vigil.Prometheus.Tests;

public sealed class PrometheusClientOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid()
    {
        Assert.Empty(new PrometheusClientOptions().Validate());
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryErrorByField()
    {
        var options = new PrometheusClientOptions
        {
            BaseUrl = new Uri("ftp://user:pw@host/x?y=1"),
            Timeout = TimeSpan.FromSeconds(-1),
            MaxRetries = -1,
            RetryBaseDelay = TimeSpan.FromMinutes(5),
            PostThreshold = -1,
            MaxResponseBytes = 0,
            BearerToken = "t",
            BearerTokenFile = "/nonexistent/token",
            Password = "p",
            CaFile = "/nonexistent/ca.pem",
        };

        var errors = options.Validate();

        // Keyed by the YAML keys of sources.prometheus: the config reader reports these same errors under that path.
        string[] fields = ["url", "timeout", "max_retries", "retry_base_delay", "post_threshold", "max_response_bytes", "bearer_token", "bearer_token_file", "username", "ca_file"];
        foreach (var field in fields)
        {
            Assert.Contains(errors, e => e.StartsWith(field + ": ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("http://user:secret@prometheus:9090", "must not contain credentials")]
    [InlineData("http://prometheus:9090/?x=1", "must not contain a query string")]
    [InlineData("unix:/var/run/prom.sock", "must be an absolute http or https URL")]
    public void Validate_BadBaseUrl_SaysWhy(string url, string expected)
    {
        var errors = new PrometheusClientOptions { BaseUrl = new Uri(url) }.Validate();

        Assert.Contains(errors, e => e.StartsWith("url: ", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BasicAndBearerTogether_IsRejected()
    {
        var errors = new PrometheusClientOptions { BearerToken = "t", Username = "u", Password = "p" }.Validate();

        Assert.Contains(errors, e => e.Contains("mutually exclusive", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UsernameWithoutPassword_IsValid()
    {
        Assert.Empty(new PrometheusClientOptions { Username = "u" }.Validate());
    }
}
