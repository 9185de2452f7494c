using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Testing.Servers;

/// <summary>
/// A real Redis (the Debian package's /usr/bin/redis-server, or $VIGIL_REDIS_BIN) on a loopback port, with no
/// persistence (<c>--save ''</c>, no AOF): each fixture starts empty. <see cref="CommandAsync"/> speaks RESP directly,
/// so tests can check what Vigil wrote (a key's TTL) without a second client library.
/// </summary>
public sealed class RedisServer() : LoopbackServer("redis")
{
    /// <summary>The StackExchange.Redis configuration string of this server (<c>redis.url</c>).</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    protected override string DefaultBinary => "/usr/bin/redis-server";

    protected override string BinaryVariable => "VIGIL_REDIS_BIN";

    protected override (string File, IReadOnlyList<string> Arguments) Command() => (Binary,
    [
        "--bind", "127.0.0.1",
        "--port", Port.ToString(CultureInfo.InvariantCulture),
        "--save", string.Empty,
        "--appendonly", "no",
        "--dir", Directory.Path,
        "--loglevel", "warning",
    ]);

    /// <summary>Runs one command and returns the first line of its reply (<c>+PONG</c>, <c>:1799000</c>, <c>$-1</c>, …).</summary>
    public async Task<string> CommandAsync(params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
        var stream = client.GetStream();
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var part in command)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString())).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync().ConfigureAwait(false) ?? string.Empty;
    }

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            return await CommandAsync("PING").ConfigureAwait(false) == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
