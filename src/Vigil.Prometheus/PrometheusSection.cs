using Vigil.Configuration;

namespace Vigil.Prometheus;

/// <summary>
/// <c>sources.prometheus</c> and <c>PROMETHEUS_URL</c> → <see cref="PrometheusClientOptions"/>. Parses each key;
/// defaults, limits and the rules between keys (auth, URL shape, files) are the options class's, checked once.
/// Nothing is stored when neither the section nor the variable is present.
/// </summary>
public sealed class PrometheusSection : IConfigSection
{
    public const string Path = "sources.prometheus";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = ["PROMETHEUS_URL"];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var envUrl = context.Env("PROMETHEUS_URL");
        var map = context.Mapping(Path);
        if (map is null && envUrl is null)
        {
            return;
        }

        var y = context.Reader;
        map ??= new YamlDotNet.RepresentationModel.YamlMappingNode();
        y.RejectUnknown(map, Path, "url", "timeout", "max_retries", "retry_base_delay", "bearer_token", "bearer_token_file", "username", "password", "ca_file", "insecure_skip_verify", "compression", "protocol", "lookback_delta");
        var defaults = new PrometheusClientOptions();
        var baseUrl = defaults.BaseUrl;
        var urlText = envUrl ?? y.String(map, Path, "url");
        var urlPath = envUrl is null ? $"{Path}.url" : "PROMETHEUS_URL";
        if (urlText is not null)
        {
            if (Uri.TryCreate(urlText, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                baseUrl = url;
            }
            else
            {
                y.Error(urlPath, $"'{urlText}' is not an absolute http(s) URL");
            }
        }

        var options = defaults with
        {
            BaseUrl = baseUrl,
            Timeout = y.Duration(map, Path, "timeout", PrometheusClientOptions.MinTimeout, PrometheusClientOptions.MaxTimeout) ?? defaults.Timeout,
            MaxRetries = y.Int(map, Path, "max_retries", 0, PrometheusConstants.MaxRetriesLimit) ?? defaults.MaxRetries,
            RetryBaseDelay = y.Duration(map, Path, "retry_base_delay", TimeSpan.Zero, PrometheusConstants.MaxRetryDelay) ?? defaults.RetryBaseDelay,
            BearerToken = y.String(map, Path, "bearer_token"),
            BearerTokenFile = y.String(map, Path, "bearer_token_file"),
            Username = y.String(map, Path, "username"),
            Password = y.String(map, Path, "password"),
            CaFile = y.String(map, Path, "ca_file"),
            InsecureSkipVerify = y.Bool(map, Path, "insecure_skip_verify") ?? false,
            Compression = y.Bool(map, Path, "compression") ?? defaults.Compression,
            Protocol = ReadProtocol(y, map) ?? defaults.Protocol,
            LookbackDelta = y.Duration(map, Path, "lookback_delta", PrometheusClientOptions.MinLookbackDelta, PrometheusClientOptions.MaxLookbackDelta) ?? defaults.LookbackDelta,
        };

        // The URL's own errors name PROMETHEUS_URL when it came from there.
        foreach (var error in options.Validate())
        {
            y.Errors.Add(error.StartsWith("url:", StringComparison.Ordinal) && envUrl is not null ? "PROMETHEUS_URL" + error[3..] : $"{Path}.{error}");
        }

        context.Set(options);
    }

    private static PrometheusProtocol? ReadProtocol(ConfigReader y, YamlDotNet.RepresentationModel.YamlMappingNode map)
    {
        switch (y.String(map, Path, "protocol"))
        {
            case null:
                return null;
            case "query":
                return PrometheusProtocol.Query;
            case "remote_read":
                return PrometheusProtocol.RemoteRead;
            case var other:
                y.Error($"{Path}.protocol", $"must be query (the HTTP query API, any PromQL) or remote_read (series selectors only), got '{other}'");
                return null;
        }
    }
}
