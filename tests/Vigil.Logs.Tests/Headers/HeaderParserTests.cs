using Vigil.Logs.Headers;

namespace Vigil.Logs.Tests.Headers;

public sealed class HeaderParserTests
{
    [Theory]
    [InlineData("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM'su root' failed for lonvick", "BOM'su root' failed for lonvick")]
    [InlineData("<165>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Appli\\\"cation\"] An application event", "An application event")]
    [InlineData("<165>1 2003-10-11T22:14:15.003Z host app - - -", "")]
    [InlineData("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick", "'su root' failed for lonvick")]
    [InlineData("Oct  1 02:04:05 host sshd: Accepted password for bob", "Accepted password for bob")]
    public void Message_Syslog_StripsHeader(string line, string message)
    {
        Assert.Equal(message, new HeaderParser(LogFormat.Syslog).Message(line).ToString());
    }

    [Fact]
    public void Message_Klog_StripsHeader()
    {
        var sut = new HeaderParser(LogFormat.Klog);

        Assert.Equal("Successfully pulled image \"nginx\"", sut.Message("I0102 15:04:05.123456   12345 kubelet.go:1234] Successfully pulled image \"nginx\"").ToString());
    }

    [Theory]
    [InlineData("{\"ts\":1,\"level\":\"info\",\"msg\":\"user \\\"bob\\\" logged in\\n\"}", "user \"bob\" logged in\n")]
    [InlineData("{\"nested\":{\"msg\":\"no\"},\"arr\":[1,{\"a\":\"]\"}],\"message\":\"yes \\u0041\"}", "yes A")]
    [InlineData("{\"log\":\"container line\",\"stream\":\"stdout\"}", "container line")]
    public void Message_Json_UnescapedMessageField(string line, string message)
    {
        Assert.Equal(message, new HeaderParser(LogFormat.Json).Message(line).ToString());
    }

    [Fact]
    public void Message_Logfmt_MsgValueOrWholeLine()
    {
        var sut = new HeaderParser(LogFormat.Logfmt);

        Assert.Equal("request \"done\"", sut.Message("ts=2024-01-01 level=info msg=\"request \\\"done\\\"\" took=5ms").ToString());
        Assert.Equal("level=info took=5ms", sut.Message("level=info took=5ms").ToString());
    }

    [Fact]
    public void Message_CombinedLogFormat_RequestStatusAndSize()
    {
        var sut = new HeaderParser(LogFormat.Clf);

        var message = sut.Message("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08\"");

        Assert.Equal("\"GET /apache_pb.gif HTTP/1.0\" 200 2326", message.ToString());
    }

    [Fact]
    public void Message_Auto_DetectsEachLayout()
    {
        var sut = new HeaderParser();

        Assert.Equal("hello", sut.Message("{\"msg\":\"hello\"}").ToString());
        Assert.Equal(LogFormat.Json, sut.Detected);
        Assert.Equal("pulled", sut.Message("I0102 15:04:05.123456 1 a.go:1] pulled").ToString());
        Assert.Equal(LogFormat.Klog, sut.Detected);
        Assert.Equal("boot", sut.Message("<13>Oct 11 22:14:15 host init: boot").ToString());
        Assert.Equal(LogFormat.Syslog, sut.Detected);
        Assert.Equal("plain text line", sut.Message("plain text line").ToString());
        Assert.Equal(LogFormat.None, sut.Detected);
    }

    [Fact]
    public void Message_ConfiguredLayoutDoesNotMatch_WholeLineAndCounted()
    {
        var sut = new HeaderParser(LogFormat.Json);

        Assert.Equal("not json", sut.Message("not json").ToString());
        Assert.Equal(1, sut.Unparsed);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"msg\":")]
    [InlineData("{\"msg\":\"unterminated")]
    [InlineData("<999999>1 x")]
    [InlineData("<13>1 2003")]
    [InlineData("a=\"b")]
    [InlineData("I0102 15:04:05.123456 no bracket")]
    [InlineData("1.2.3.4 - - [date")]
    public void Message_TruncatedInput_NeverThrows(string line)
    {
        var sut = new HeaderParser();

        Assert.Equal(line, sut.Message(line).ToString());
    }

    [Fact]
    public void Message_Pattern_ReturnsContentField()
    {
        var sut = new HeaderParser(new PatternHeaderFormat("<Date> <Time> <Level> <Component>: <Content>"));

        Assert.Equal("Registered signal handlers", sut.Message("17/06/09 20:10:40 INFO executor.Backend: Registered signal handlers").ToString());
    }

    [Fact]
    public void PatternHeaderFormat_WithoutContent_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PatternHeaderFormat("<Date> <Time>"));
    }
}
