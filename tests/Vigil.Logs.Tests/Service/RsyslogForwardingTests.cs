using System.Globalization;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Sources.Syslog;
using Vigil.Testing.Servers;

namespace Vigil.Logs.Tests.Service;

/// <summary>
/// A real rsyslog forwarding to Vigil's syslog source, as a deployment points its syslog daemon at Vigil: lines go
/// in through <c>logger --tcp</c> to rsyslog's own loopback port, rsyslog forwards them (TCP with octet counting in
/// RFC 5424, or UDP in RFC 3164), and the source mines them. Templates and counts are checked exactly.
/// </summary>
public sealed class RsyslogForwardingTests
{
    /// <summary>Three kinds of line, 12 + 6 + 2 = 20 lines, the variables differing line to line.</summary>
    private static readonly string[] Lines =
    [
        .. Enumerable.Range(0, 12).Select(i => string.Create(CultureInfo.InvariantCulture, $"session opened for user u{1000 + i} from 10.0.{i}.7 port {40000 + (i * 17)}")),
        .. Enumerable.Range(0, 6).Select(i => string.Create(CultureInfo.InvariantCulture, $"disk /dev/sd{(char)('a' + i)}1 is {90 + i}% full")),
        .. Enumerable.Range(0, 2).Select(i => string.Create(CultureInfo.InvariantCulture, $"payment {7000 + i} failed: card declined by issuer")),
    ];

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task SyslogSource_RsyslogForwards_TemplatesAndExactCounts(string transport)
    {
        var harness = new LogsHarness();
        var source = new LogSourceOptions { Name = "rsyslog", Format = LogFormat.Syslog, Syslog = new SyslogOptions { UdpPort = 0, TcpPort = 0 } };
        var ingestor = harness.CreateIngestor(source);
        var sut = harness.CreateService(ingestor);
        await sut.StartAsync(CancellationToken.None);
        await sut.Started;
        try
        {
            await using var rsyslog = new RsyslogServer(
                transport == "tcp" ? sut.Syslog!.TcpPort : null,
                transport == "udp" ? sut.Syslog!.UdpPort : null);
            await rsyslog.InitializeAsync();

            // One logger process sends every line of its standard input as one message, in order, over TCP to rsyslog:
            // RFC 5424 when rsyslog forwards RFC 5424, RFC 3164 ("tag: message") when it forwards the traditional format
            // (an RFC 5424 app-name has no colon, and rsyslog's traditional template writes the tag as it was received).
            var (exit, output) = await ServerProcess.RunAsync(
                "/usr/bin/logger",
                string.Join('\n', Lines) + "\n",
                "--server", "127.0.0.1", "--port", rsyslog.Port.ToString(CultureInfo.InvariantCulture), "--tcp", "--octet-count", transport == "tcp" ? "--rfc5424" : "--rfc3164", "--tag", rsyslog.Program);
            Assert.True(exit == 0, output);

            await rsyslog.WaitUntilAsync(() => Task.FromResult(ingestor.LinesIngested >= Lines.Length), TimeSpan.FromSeconds(60), "20 lines forwarded by rsyslog");
        }
        finally
        {
            await sut.StopAsync(CancellationToken.None);
        }

        var counts = ingestor.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(Lines.Length, counts.Lines);
        Assert.Equal(
            [("session opened for user <*> from <*> port <*>", 12L), ("disk <*> is <*> full", 6L), ("payment <*> failed: card declined by issuer", 2L)],
            counts.Templates.Select(t => (t.Template, t.Count)));
        Assert.Equal(0, harness.ErrorCount("log_source"));
    }
}
