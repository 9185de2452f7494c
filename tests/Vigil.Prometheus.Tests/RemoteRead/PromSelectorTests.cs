using Vigil.Prometheus.RemoteRead;

namespace Vigil.Prometheus.Tests.RemoteRead;

public sealed class PromSelectorTests
{
    [Fact]
    public void Parse_MetricName_IsOneNameMatcher()
    {
        var selector = PromSelector.Parse("scale_value");

        Assert.Equal([new LabelMatcher(MatcherType.Equal, "__name__", "scale_value")], selector.Matchers);
    }

    [Fact]
    public void Parse_EveryMatcherKindQuotesAndEscapes_ReadsThemAll()
    {
        var selector = PromSelector.Parse(" http:requests_total { job = \"api\\\"x\", code!='5\\x41', path=~`/a\\d+`, env!~\"dev|test\", } ");

        Assert.Equal(
            [
                new LabelMatcher(MatcherType.Equal, "__name__", "http:requests_total"),
                new LabelMatcher(MatcherType.Equal, "job", "api\"x"),
                new LabelMatcher(MatcherType.NotEqual, "code", "5A"),
                new LabelMatcher(MatcherType.Regex, "path", "/a\\d+"),
                new LabelMatcher(MatcherType.NotRegex, "env", "dev|test"),
            ],
            selector.Matchers);
    }

    [Fact]
    public void Parse_NameOnlyInBraces_IsAccepted()
    {
        var selector = PromSelector.Parse("{__name__=~\"scale_.*\", instance=\"a\"}");

        Assert.Equal(2, selector.Matchers.Count);
    }

    [Theory]
    [InlineData("rate(http_requests_total[5m])", "is a function or aggregation")]
    [InlineData("sum by (job) (up)", "after the selector")]
    [InlineData("up[5m]", "a range")]
    [InlineData("up offset 5m", "'offset'")]
    [InlineData("up @ 1700000000", "'@'")]
    [InlineData("up + 1", "after the selector")]
    [InlineData("up{job=\"a\"", "not closed")]
    [InlineData("up{job=a}", "expected a quoted string")]
    [InlineData("up{job~\"a\"}", "expected =, !=, =~ or !~")]
    [InlineData("1 + 1", "unexpected '1'")]
    [InlineData("   ", "it is empty")]
    public void TryParse_NotASelector_SaysWhyAndThatItNeedsTheQueryApi(string query, string reason)
    {
        Assert.False(PromSelector.TryParse(query, out var selector, out var error));

        Assert.Null(selector);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains("need protocol: query", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{job=\"\"}")]
    [InlineData("{job=~\".*\"}")]
    [InlineData("{job!=\"a\"}")]
    public void TryParse_OnlyMatchersThatMatchEmpty_IsRefusedAsPrometheusDoes(string query)
    {
        Assert.False(PromSelector.TryParse(query, out _, out var error));

        Assert.Contains("does not match the empty string", error, StringComparison.Ordinal);
    }
}
