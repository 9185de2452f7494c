using System.Globalization;
using System.Net;
using Vigil.Configuration;

namespace Vigil.Logs.Sources.Syslog;

/// <summary>A syslog receiver: where it listens and its limits.</summary>
public sealed record SyslogOptions
{
    public const int DefaultMaxMessageBytes = 64 * 1024;
    public const int DefaultQueueCapacity = 100_000;

    /// <summary>Address to listen on (<c>0.0.0.0</c> for all; loopback by default).</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>UDP port (one datagram, one message); 0 picks a free port, null disables UDP.</summary>
    public int? UdpPort { get; init; } = 5514;

    /// <summary>TCP port (RFC 6587: octet counting or newline framing, detected per message); 0 picks a free port, null disables TCP.</summary>
    public int? TcpPort { get; init; } = 5514;

    /// <summary>Bytes of one message kept; longer ones are cut (and counted).</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Messages waiting to be mined; when full, new ones are dropped (and counted) rather than blocking senders.</summary>
    public int QueueCapacity { get; init; } = DefaultQueueCapacity;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            errors.Add($"listen_address: '{ListenAddress}' is not an IP address");
        }

        if (UdpPort is null && TcpPort is null)
        {
            errors.Add("udp_port, tcp_port: at least one is required");
        }

        foreach (var (name, port) in new[] { ("udp_port", UdpPort), ("tcp_port", TcpPort) })
        {
            if (port is < 0 or > 65535)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: must be 0..65535, got {port}"));
            }
        }

        if (MaxMessageBytes <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"max_message_bytes: must be > 0, got {MaxMessageBytes}"));
        }

        if (QueueCapacity <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"queue_capacity: must be > 0, got {QueueCapacity}"));
        }

        return errors;
    }

    public void EnsureValid()
    {
        ConfigException.ThrowIfInvalid("logs.sources", Validate());
    }
}
