using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Postgres.Ingest;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>`vigil db migrate` and `vigil events import` failures, through the real executable: one line, a documented exit code.</summary>
public sealed class BusinessCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task EventsImport_MissingFile_OneLineAndExitTwo()
    {
        var missing = _temp.File("nonexistent.ndjson");

        var (exit, _, stderr) = await VigilProcess.RunAsync(Database(ClosedPort()), "events", "import", missing);

        Assert.Equal(2, exit);
        Assert.Equal($"error: cannot read {missing}: no such file", stderr.Trim());
    }

    [Fact]
    public async Task DbMigrate_WrongPassword_OneLineNamingUserAndCodeAndExitOne()
    {
        using var server = new RefusingPostgres();

        var (exit, _, stderr) = await VigilProcess.RunAsync(Database(server.Port, user: "alice"), "db", "migrate");

        Assert.Equal(1, exit);
        Assert.Equal("error: database authentication failed for user \"alice\" (28P01)", stderr.Trim());
    }

    [Fact]
    public async Task DbMigrate_DatabaseUnreachable_OneLineNamingHostAndPortAndExitOne()
    {
        var port = ClosedPort();

        var (exit, _, stderr) = await VigilProcess.RunAsync(Database(port), "db", "migrate");

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"error: cannot connect to the database at 127.0.0.1:{port}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsImport_Help_ShowsTheCsvColumnsTheParserAccepts()
    {
        var (exit, stdout, _) = await VigilProcess.RunAsync(null, "events", "import", "--help");

        Assert.Equal(0, exit);
        Assert.Contains(EventParser.CsvColumns, stdout, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Database(int port, string user = "postgres")
        => new() { ["VIGIL_DATABASE"] = FormattableString.Invariant($"Host=127.0.0.1;Port={port};Username={user};Password=wrong;Database=vigil;Timeout=5") };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Speaks just enough of the PostgreSQL protocol to refuse a login the way a server with a wrong password does:
    /// declines TLS, reads the startup message, answers ErrorResponse FATAL 28P01 (protocol 3.0, section 55.7).
    /// </summary>
    private sealed class RefusingPostgres : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public RefusingPostgres()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptAsync();
        }

        public int Port { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    var message = await ReadStartupAsync(stream);
                    if (BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(0, 4)) == 80877103)
                    {
                        await stream.WriteAsync("N"u8.ToArray(), _stop.Token); // no TLS
                        message = await ReadStartupAsync(stream);
                    }

                    var user = User(message);
                    var fields = new MemoryStream();
                    foreach (var (type, value) in new[] { ('S', "FATAL"), ('V', "FATAL"), ('C', "28P01"), ('M', $"password authentication failed for user \"{user}\"") })
                    {
                        fields.WriteByte((byte)type);
                        fields.Write(Encoding.UTF8.GetBytes(value));
                        fields.WriteByte(0);
                    }

                    fields.WriteByte(0);
                    var reply = new byte[5 + fields.Length];
                    reply[0] = (byte)'E';
                    BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(1), 4 + (int)fields.Length);
                    fields.ToArray().CopyTo(reply, 5);
                    await stream.WriteAsync(reply, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
            {
                // Stopped, or the client went away.
            }
        }

        private async Task<byte[]> ReadStartupAsync(NetworkStream stream)
        {
            var length = new byte[4];
            await stream.ReadExactlyAsync(length, _stop.Token);
            var rest = new byte[BinaryPrimitives.ReadInt32BigEndian(length) - 4];
            await stream.ReadExactlyAsync(rest, _stop.Token);
            return rest;
        }

        /// <summary>The startup message after the protocol version: name\0value\0 pairs.</summary>
        private static string User(byte[] startup)
        {
            var parts = Encoding.UTF8.GetString(startup, 4, startup.Length - 4).Split('\0');
            var at = Array.IndexOf(parts, "user");
            return at >= 0 && at + 1 < parts.Length ? parts[at + 1] : "?";
        }
    }
}
