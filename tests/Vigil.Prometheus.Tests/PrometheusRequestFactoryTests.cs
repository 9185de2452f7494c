namespace Vigil.Prometheus.Tests;

public sealed class PrometheusRequestFactoryTests
{
    [Theory]
    [InlineData("http://h:9090", "http://h:9090/api/v1/")]
    [InlineData("http://h:9090/", "http://h:9090/api/v1/")]
    [InlineData("http://h:9090/api/v1", "http://h:9090/api/v1/")]
    [InlineData("https://h/api/v1/", "https://h/api/v1/")]
    [InlineData("http://h/prometheus", "http://h/prometheus/api/v1/")]
    [InlineData("http://h/a/b/API/V1/", "http://h/a/b/api/v1/")]
    public void ApiBase_AnyAcceptedForm_NormalisesToApiV1(string baseUrl, string expected)
    {
        Assert.Equal(new Uri(expected), PrometheusRequestFactory.ApiBase(new Uri(baseUrl)));
    }

    [Theory]
    [InlineData(1_435_781_451_781L, "1435781451.781")]
    [InlineData(1_435_781_451_780L, "1435781451.78")]
    [InlineData(1_435_781_451_001L, "1435781451.001")]
    [InlineData(1_435_781_451_000L, "1435781451")]
    [InlineData(0L, "0")]
    [InlineData(500L, "0.5")]
    [InlineData(-1500L, "-1.5")]
    public void FormatUnixSeconds_Milliseconds_GivesPrometheusStyleSeconds(long milliseconds, string expected)
    {
        Assert.Equal(expected, PrometheusRequestFactory.FormatUnixSeconds(milliseconds));
    }

    [Fact]
    public void EncodeForm_ReservedCharacters_ArePercentEncoded()
    {
        var form = PrometheusRequestFactory.EncodeForm([new("query", "sum(rate(x{a=\"b&c\"}[5m])) + 1"), new("step", "60")]);

        Assert.Equal("query=sum%28rate%28x%7Ba%3D%22b%26c%22%7D%5B5m%5D%29%29%20%2B%201&step=60", form);
    }
}
