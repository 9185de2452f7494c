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
            y.RejectUnknown(map, "server", "listen_address", "port", "series_staleness", "shutdown_grace", "state_dir", "snapshot_interval", "write_token", "read_token", "allow_unauthenticated_writes");
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
            };
            if (!System.Net.IPAddress.TryParse(server.ListenAddress, out _) && server.ListenAddress != "localhost")
            {
                errors.Add($"server.listen_address: '{server.ListenAddress}' is not an IP address");
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

        context.Set(server);
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
