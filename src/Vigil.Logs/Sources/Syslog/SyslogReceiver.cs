using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Vigil.Logs.Sources.Syslog;

/// <summary>
/// Receives syslog messages on UDP and TCP and queues them (raw, header included: the miner's header parser takes
/// RFC 5424 and RFC 3164 apart). TCP framing follows RFC 6587, detected per message: a frame that starts with a digit
/// is octet-counted (<c>LEN SP MSG</c>), otherwise it ends at LF.
/// </summary>
/// <remarks>
/// Syslog has no acknowledgement or replay, so its "checkpoint" is the queue: messages received are mined before
/// <see cref="DisposeAsync"/> returns; what senders send while Vigil is down is lost unless they buffer (rsyslog's
/// action queue does). A full queue drops new messages and counts them instead of stalling senders.
/// </remarks>
public sealed class SyslogReceiver : IAsyncDisposable
{
    private readonly SyslogOptions _options;
    private readonly Channel<string> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private Socket? _udp;
    private TcpListener? _tcp;
    private long _received;
    private long _dropped;
    private long _truncated;
    private long _framingErrors;

    public SyslogReceiver(SyslogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _options = options;
        _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    }

    /// <summary>Messages received, in arrival order.</summary>
    public ChannelReader<string> Messages => _queue.Reader;

    public int? UdpPort => (_udp?.LocalEndPoint as IPEndPoint)?.Port;

    public int? TcpPort => (_tcp?.LocalEndpoint as IPEndPoint)?.Port;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages cut at <see cref="SyslogOptions.MaxMessageBytes"/>.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>TCP connections closed for a malformed octet count.</summary>
    public long FramingErrors => Interlocked.Read(ref _framingErrors);

    /// <summary>Binds the sockets (failing at start-up if a port is taken) and starts receiving.</summary>
    public void Start()
    {
        var address = IPAddress.Parse(_options.ListenAddress);
        if (_options.UdpPort is { } udpPort)
        {
            _udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            _udp.Bind(new IPEndPoint(address, udpPort));
            _loops.Add(ReceiveUdpAsync(_udp, _stop.Token));
        }

        if (_options.TcpPort is { } tcpPort)
        {
            _tcp = new TcpListener(address, tcpPort);
            _tcp.Start();
            _loops.Add(AcceptTcpAsync(_tcp, _stop.Token));
        }
    }

    private async Task ReceiveUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[65_536];
        var any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP port unreachable reported on a later receive: not ours to stop on.
            }

            var message = buffer.AsSpan(0, result.ReceivedBytes);
            while (!message.IsEmpty && message[^1] is (byte)'\n' or (byte)'\r' or 0)
            {
                message = message[..^1];
            }

            Enqueue(message);
        }
    }

    private async Task AcceptTcpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }

            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(ReadTcpAsync(client, cancellationToken));
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ReadTcpAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new byte[65_536];
        var frame = new MemoryStream();
        var count = 0;       // expected octets of an octet-counted frame, or -1 while reading newline framing
        var inFrame = false; // reading a frame's body
        var lengthDigits = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (frame.Length > 0 && count < 0)
                    {
                        Enqueue(frame.GetBuffer().AsSpan(0, (int)frame.Length)); // last line without LF
                    }

                    return;
                }

                for (var i = 0; i < read; i++)
                {
                    var b = buffer[i];
                    if (!inFrame)
                    {
                        if (lengthDigits == 0 && b is (byte)'\n' or (byte)'\r')
                        {
                            continue; // stray line ends between frames
                        }

                        if (b is >= (byte)'0' and <= (byte)'9')
                        {
                            count = (lengthDigits == 0 ? 0 : count) * 10 + (b - '0');
                            lengthDigits++;
                            if (lengthDigits > 9)
                            {
                                Interlocked.Increment(ref _framingErrors);
                                return;
                            }

                            continue;
                        }

                        if (b == (byte)' ' && lengthDigits > 0)
                        {
                            inFrame = true; // octet counting: exactly `count` bytes follow
                            frame.SetLength(0);
                            if (count == 0)
                            {
                                inFrame = false;
                                lengthDigits = 0;
                            }

                            continue;
                        }

                        // Newline framing: whatever digits were read belong to the message (e.g. a bare "123 abc" line).
                        frame.SetLength(0);
                        if (lengthDigits > 0)
                        {
                            frame.Write(Encoding.ASCII.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        }

                        count = -1;
                        inFrame = true;
                        lengthDigits = 0;
                    }

                    if (count < 0)
                    {
                        if (b == (byte)'\n')
                        {
                            var line = frame.GetBuffer().AsSpan(0, (int)frame.Length);
                            Enqueue(line.Length > 0 && line[^1] == '\r' ? line[..^1] : line);
                            inFrame = false;
                            frame.SetLength(0);
                            continue;
                        }

                        Append(frame, b);
                    }
                    else
                    {
                        Append(frame, b);
                        if (--count == 0)
                        {
                            var message = frame.GetBuffer().AsSpan(0, (int)frame.Length);
                            while (!message.IsEmpty && message[^1] is (byte)'\n' or (byte)'\r')
                            {
                                message = message[..^1];
                            }

                            Enqueue(message);
                            inFrame = false;
                            lengthDigits = 0;
                            frame.SetLength(0);
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Connection closed or receiver stopping.
        }
    }

    private void Append(MemoryStream frame, byte b)
    {
        if (frame.Length < _options.MaxMessageBytes)
        {
            frame.WriteByte(b);
        }
        else if (frame.Length == _options.MaxMessageBytes)
        {
            Interlocked.Increment(ref _truncated);
            frame.WriteByte(b); // one past the limit marks the frame as counted; cut below
        }
    }

    private void Enqueue(ReadOnlySpan<byte> message)
    {
        if (message.Length > _options.MaxMessageBytes)
        {
            if (message.Length != _options.MaxMessageBytes + 1)
            {
                Interlocked.Increment(ref _truncated); // a UDP datagram over the limit
            }

            message = message[.._options.MaxMessageBytes];
        }

        Interlocked.Increment(ref _received);
        if (!_queue.Writer.TryWrite(_utf8.GetString(message)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Stops listening; messages already queued stay readable.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _udp?.Dispose();
        _tcp?.Stop();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _queue.Writer.TryComplete();
        _stop.Dispose();
    }
}
