using System.Globalization;
using System.Net.Sockets;

namespace Vigil.Testing.Servers;

/// <summary>
/// A real rsyslog (Debian's /usr/sbin/rsyslogd, or $VIGIL_RSYSLOGD_BIN) in the foreground with a config of its own:
/// it receives on a loopback TCP port (<see cref="LoopbackServer.Port"/>, imtcp; feed it with
/// <c>logger --server 127.0.0.1 --port N --tcp</c>) and forwards the messages whose program name is
/// <see cref="Program"/> to Vigil's syslog receiver, over TCP with octet counting (RFC 5424) and/or over UDP (RFC 3164),
/// the two ways rsyslog is usually pointed at a collector. Its own messages (start-up, statistics) are not forwarded,
/// so a test can count exactly what it sent. Stopped by PID (<c>-i</c> keeps its pid file in the temp dir).
/// </summary>
public sealed class RsyslogServer(int? forwardTcpPort, int? forwardUdpPort, string program = "vigiltest") : LoopbackServer("rsyslog")
{
    public string Program { get; } = program;

    protected override string DefaultBinary => "/usr/sbin/rsyslogd";

    protected override string BinaryVariable => "VIGIL_RSYSLOGD_BIN";

    private string ConfigPath => Directory.File("rsyslog.conf");

    protected override Task PrepareAsync()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        var actions = new List<string>();
        if (forwardTcpPort is { } tcp)
        {
            // Queued in memory and retried: a forward that fails at start (receiver not listening yet) is not lost.
            actions.Add($"""    action(type="omfwd" target="127.0.0.1" port="{tcp.ToString(CultureInfo.InvariantCulture)}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format" queue.type="LinkedList" action.resumeRetryCount="-1" action.resumeInterval="1")""");
        }

        if (forwardUdpPort is { } udp)
        {
            actions.Add($"""    action(type="omfwd" target="127.0.0.1" port="{udp.ToString(CultureInfo.InvariantCulture)}" protocol="udp" template="RSYSLOG_TraditionalForwardFormat")""");
        }

        File.WriteAllText(ConfigPath, $"""
            global(workDirectory="{Directory.Path}" maxMessageSize="64k")
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="{port}")
            if $programname == "{Program}" then {"{"}
            {string.Join("\n", actions)}
                stop
            {"}"}
            *.* stop

            """);
        return Task.CompletedTask;
    }

    protected override (string File, IReadOnlyList<string> Arguments) Command()
        => (Binary, ["-n", "-f", ConfigPath, "-i", Directory.File("rsyslogd.pid")]);

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
