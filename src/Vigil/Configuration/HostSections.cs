using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Vigil.Configuration;

/// <summary>
/// <c>server:</c> and its variables (<c>LISTEN_PORT</c>, <c>VIGIL_STATE_DIR</c>, <c>VIGIL_WRITE_TOKEN</c>,
/// <c>VIGIL_READ_TOKEN</c>) → <see cref="ServerOptions"/>: the host's own section (Kestrel, state, API tokens).
/// </summary>
public sealed class ServerSection : IConfigSection
{
    public const string Path = "server";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = ["LISTEN_PORT", "VIGIL_STATE_DIR"];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        var errors = y.Errors;
        var map = context.Mapping(Path);
        var server = new ServerOptions();
        if (map is not null)
        {
            y.RejectUnknown(map, "server", "listen_address", "port", "series_staleness", "shutdown_grace", "state_dir", "snapshot_interval", "write_token", "read_token", "allow_unauthenticated_writes", "grpc_port", "grpc_listen_address", "time_zone", "ui_auth");
            server = new ServerOptions
            {
                ListenAddress = y.String(map, "server", "listen_address") ?? server.ListenAddress,
                Port = y.Int(map, "server", "port", 0, 65_535) ?? server.Port,
                SeriesStaleness = y.Duration(map, "server", "series_staleness", ServerOptions.MinSeriesStaleness, ServerOptions.MaxSeriesStaleness) ?? server.SeriesStaleness,
                ShutdownGrace = y.Duration(map, "server", "shutdown_grace", TimeSpan.Zero, ServerOptions.MaxShutdownGrace) ?? server.ShutdownGrace,
                StateDirectory = y.String(map, "server", "state_dir"),
                SnapshotInterval = y.Duration(map, "server", "snapshot_interval", ServerOptions.MinSnapshotInterval, ServerOptions.MaxSnapshotInterval) ?? server.SnapshotInterval,
                ListenAddressSet = map.Children.ContainsKey(new YamlScalarNode("listen_address")),
                Auth = Hosting.ApiAuthOptions.Read(y, map),
                GrpcPort = y.Int(map, "server", "grpc_port", 1, 65_535),
                GrpcListenAddress = y.String(map, "server", "grpc_listen_address"),
                TimeZone = ReadTimeZone(y.String(map, "server", "time_zone"), errors),
                UiAuth = y.Bool(map, "server", "ui_auth") ?? false,
            };
            if (!System.Net.IPAddress.TryParse(server.ListenAddress, out _) && server.ListenAddress != "localhost")
            {
                errors.Add($"server.listen_address: '{server.ListenAddress}' is not an IP address");
            }

            if (server.GrpcListenAddress is { } grpcAddress && !System.Net.IPAddress.TryParse(grpcAddress, out _) && grpcAddress != "localhost")
            {
                errors.Add($"server.grpc_listen_address: '{grpcAddress}' is not an IP address");
            }
        }

        if (context.Env("VIGIL_STATE_DIR") is { } stateDir)
        {
            server = server with { StateDirectory = stateDir };
        }

        if (context.Env("VIGIL_WRITE_TOKEN") is { } writeToken)
        {
            server = server with { Auth = server.Auth with { WriteToken = writeToken } };
        }

        if (context.Env("VIGIL_READ_TOKEN") is { } readToken)
        {
            server = server with { Auth = server.Auth with { ReadToken = readToken } };
        }

        if (context.Env("LISTEN_PORT") is { } portText)
        {
            if (int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65_535)
            {
                server = server with { Port = port };
            }
            else
            {
                errors.Add($"LISTEN_PORT: must be a port number between 0 and 65535 (got '{portText}')");
            }
        }

        if (server.GrpcPort is { } grpcPort && grpcPort == server.Port)
        {
            errors.Add($"server.grpc_port: must differ from server.port ({grpcPort}): the gRPC listener is HTTP/2-only");
        }

        if (server.UiAuth && server.Auth.ReadToken is null && server.Auth.WriteToken is null)
        {
            // Checked after the environment overrides: VIGIL_READ_TOKEN alone is enough.
            errors.Add("server.ui_auth: needs server.read_token or server.write_token (VIGIL_READ_TOKEN, VIGIL_WRITE_TOKEN): the UI asks for the API's token");
        }

        context.Set(server);
    }

    private static TimeZoneInfo ReadTimeZone(string? id, List<string> errors)
    {
        if (id is null)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"server.time_zone: '{id}' is not a known time zone id (e.g. UTC, Europe/Berlin, America/New_York)");
            return TimeZoneInfo.Utc;
        }
    }
}

/// <summary><c>logging:</c> → <see cref="LoggingOptions"/>: the host's log format and level.</summary>
public sealed class LoggingSection : IConfigSection
{
    public const string Path = "logging";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        var errors = y.Errors;
        var map = context.Mapping(Path);
        if (map is null)
        {
            context.Set(new LoggingOptions());
            return;
        }

        y.RejectUnknown(map, "logging", "format", "level");
        var format = y.String(map, "logging", "format") ?? "text";
        if (format is not ("text" or "json"))
        {
            errors.Add($"logging.format: must be text or json (got '{format}')");
        }

        var level = y.String(map, "logging", "level") ?? "Information";
        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(level, ignoreCase: true, out _))
        {
            errors.Add($"logging.level: must be one of Trace, Debug, Information, Warning, Error, Critical (got '{level}')");
        }

        context.Set(new LoggingOptions { Format = format, Level = level });
    }
}
