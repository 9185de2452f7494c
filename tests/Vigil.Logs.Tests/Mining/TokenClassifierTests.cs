using Vigil.Logs.Mining;

namespace Vigil.Logs.Tests.Mining;

public sealed class TokenClassifierTests
{
    [Theory]
    [InlineData("10.0.0.1", MaskKind.Ipv4)]
    [InlineData("10.10.34.11:45307", MaskKind.Ipv4)]
    [InlineData("fe80::1ff:fe23:4567:890a", MaskKind.Ipv6)]
    [InlineData("::1", MaskKind.Ipv6)]
    [InlineData("0x7fed806eb5d", MaskKind.Hex)]
    [InlineData("00c6ab12ef", MaskKind.Hex)]
    [InlineData("123", MaskKind.Number)]
    [InlineData("-1.5e3", MaskKind.Number)]
    [InlineData("413.9", MaskKind.Number)]
    [InlineData("250ms", MaskKind.Duration)]
    [InlineData("1h2m3.5s", MaskKind.Duration)]
    [InlineData("2015-10-18", MaskKind.Timestamp)]
    [InlineData("18:01:47,978", MaskKind.Timestamp)]
    [InlineData("2024-01-02T03:04:05.123Z", MaskKind.Timestamp)]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", MaskKind.Uuid)]
    [InlineData("https://example.com/a?b=1", MaskKind.Url)]
    [InlineData("bob.smith@example.com", MaskKind.Email)]
    [InlineData("/var/log/syslog", MaskKind.Path)]
    [InlineData(@"C:\Windows\winsxs\cbscore.dll", MaskKind.Path)]
    [InlineData("checkout-7d9f8b6c5d-x2k4p", MaskKind.PodHash)]
    [InlineData("nginx-6799fc88d8-bxlvt", MaskKind.PodHash)]
    [InlineData("blk_-1608999687919862906", MaskKind.DigitWord)]
    [InlineData("state=running", MaskKind.KeyValue)]
    [InlineData("uid=0", MaskKind.Number)]
    [InlineData("running", MaskKind.None)]
    [InlineData("org.apache.hadoop.Job", MaskKind.None)]
    [InlineData("check-out", MaskKind.None)]
    [InlineData("a\u0001b", MaskKind.Garbage)]
    [InlineData("bad\uFFFDutf8", MaskKind.Garbage)]
    public void Classify_KnownShapes_ReturnsKind(string core, MaskKind expected)
    {
        Assert.Equal(expected, TokenClassifier.Classify(core, generaliseKeyValues: true, out _));
    }

    [Fact]
    public void Classify_KeyValue_MasksOnlyTheValue()
    {
        TokenClassifier.Classify("HWID=1973", generaliseKeyValues: true, out var valueStart);

        Assert.Equal("HWID=".Length, valueStart);
    }

    [Fact]
    public void Classify_KeyValueGeneralisationOff_KeepsWordValues()
    {
        Assert.Equal(MaskKind.None, TokenClassifier.Classify("state=running", generaliseKeyValues: false, out _));
    }

    [Theory]
    [InlineData("(HWID=1973),", "HWID=1973")]
    [InlineData("LOCAL(0),", "LOCAL(0)")]
    [InlineData("\"alt0\"", "alt0")]
    [InlineData("[x]", "x")]
    [InlineData("(),", "")]
    public void Core_PunctuationAround_Stripped(string token, string core)
    {
        var (start, length) = TokenClassifier.Core(token);

        Assert.Equal(core, token.Substring(start, length));
    }
}
