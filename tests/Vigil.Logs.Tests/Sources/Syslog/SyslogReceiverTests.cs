using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vigil.Logs.Headers;
using Vigil.Logs.Sources.Syslog;

namespace Vigil.Logs.Tests.Sources.Syslog;

/// <summary>
/// Real senders: util-linux <c>logger --server</c> (Debian's bsdutils, always installed) on loopback ports picked by
/// the OS. A missing <c>logger</c> fails the test rather than skipping it.
/// </summary>
public sealed class SyslogReceiverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static SyslogReceiver CreateSut(int maxMessageBytes = SyslogOptions.DefaultMaxMessageBytes)
    {
        var receiver = new SyslogReceiver(new SyslogOptions { UdpPort = 0, TcpPort = 0, MaxMessageBytes = maxMessageBytes });
        receiver.Start();
        return receiver;
    }

    [Theory]
    [InlineData("--udp", "--rfc5424")]
    [InlineData("--udp", "--rfc3164")]
    [InlineData("--tcp", "--rfc5424")]
    [InlineData("--tcp", "--rfc3164")]
    [InlineData("--tcp", "--octet-count")]
    public async Task Receive_FromLogger_MessageParsedOut(string transport, string flavour)
    {
        await using var sut = CreateSut();
        var port = transport == "--udp" ? sut.UdpPort!.Value : sut.TcpPort!.Value;

        await RunLogger(transport, flavour, port, "disk /dev/sda1 is 91% full");
        var raw = await Next(sut);

        Assert.Equal("disk /dev/sda1 is 91% full", new HeaderParser(LogFormat.Syslog).Message(raw).ToString());
    }

    [Fact]
    public async Task Receive_TcpMixedFraming_EveryMessageOnceInOrder()
    {
        await using var sut = CreateSut();
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", sut.TcpPort!.Value);
        var stream = client.GetStream();
        const string A = "<13>1 2024-01-01T00:00:00Z h app - - - first with\nnewline inside";
        var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(A)} {A}<13>Oct 11 22:14:15 h app: second\n<13>Oct 11 22:14:15 h app: third\r\n"));

        // Byte by byte: framing must not depend on how TCP segments the stream.
        foreach (var b in bytes)
        {
            await stream.WriteAsync(new[] { b });
        }

        Assert.Equal(A, await Next(sut));
        Assert.EndsWith("second", await Next(sut), StringComparison.Ordinal);
        Assert.EndsWith("third", await Next(sut), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_OversizedAndGarbage_CutCountedAndReceiverKeepsWorking()
    {
        await using var sut = CreateSut(maxMessageBytes: 100);
        using var udp = new UdpClient();
        udp.Connect("127.0.0.1", sut.UdpPort!.Value);

        await udp.SendAsync(Enumerable.Repeat((byte)'x', 5000).ToArray());
        await udp.SendAsync(new byte[] { 0xFF, 0xC3, 0x28, 0x00, 0x01 });
        await udp.SendAsync("<13>Oct 11 22:14:15 h app: fine"u8.ToArray());

        Assert.Equal(100, (await Next(sut)).Length);
        Assert.Contains('\uFFFD', await Next(sut));
        Assert.EndsWith("fine", await Next(sut), StringComparison.Ordinal);
        Assert.Equal(1, sut.Truncated);
    }

    [Fact]
    public async Task Receive_BadOctetCount_ConnectionClosedAndCounted()
    {
        await using var sut = CreateSut();
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", sut.TcpPort!.Value);
            await client.GetStream().WriteAsync("99999999999999 x"u8.ToArray());
            using var cts = new CancellationTokenSource(Patience);
            var buffer = new byte[1];
            Assert.Equal(0, await client.GetStream().ReadAsync(buffer, cts.Token));
        }

        Assert.Equal(1, sut.FramingErrors);
    }

    private static async Task<string> Next(SyslogReceiver receiver)
    {
        using var cts = new CancellationTokenSource(Patience);
        return await receiver.Messages.ReadAsync(cts.Token);
    }

    private static async Task RunLogger(string transport, string flavour, int port, string message)
    {
        var start = new ProcessStartInfo("logger") { RedirectStandardError = true };
        foreach (var arg in new[] { "--server", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), transport, flavour, "--tag", "app", message })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync(cts.Token));
    }
}
