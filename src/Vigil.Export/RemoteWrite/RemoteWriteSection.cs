using Vigil.Configuration;

namespace Vigil.Export.RemoteWrite;

/// <summary>
/// <c>remote_write:</c> → <see cref="RemoteWriteOptions"/>: every scored point (score, expected, band) is also written
/// to a remote-write receiver at its own sample timestamp (docs/deployment.md). <c>VIGIL_REMOTE_WRITE_URL</c> alone
/// turns it on with the defaults. Nothing is stored without a URL.
/// </summary>
public sealed class RemoteWriteSection : IConfigSection
{
    public const string Path = "remote_write";

    public const string UrlVariable = "VIGIL_REMOTE_WRITE_URL";

    public const string TokenVariable = "VIGIL_REMOTE_WRITE_TOKEN";

    public IReadOnlyList<string> Keys { get; } = [Path];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [UrlVariable, TokenVariable];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        var map = context.Mapping(Path);
        var urlText = context.Env(UrlVariable);
        var token = context.Env(TokenVariable);
        if (map is null && urlText is null)
        {
            return;
        }

        var defaults = new RemoteWriteOptions { Url = new Uri("http://localhost/") };
        if (map is not null)
        {
            y.RejectUnknown(map, Path, "url", "bearer_token", "queue_capacity", "max_points_per_request", "timeout", "retry_base_delay", "retry_max_delay", "max_attempts");
            urlText ??= y.String(map, Path, "url", required: true);
            token ??= y.String(map, Path, "bearer_token");
        }

        if (urlText is null)
        {
            return;
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url))
        {
            y.Error(map is not null && context.Env(UrlVariable) is null ? Path + ".url" : UrlVariable, $"'{urlText}' is not an absolute http(s) URL");
            return;
        }

        var options = new RemoteWriteOptions
        {
            Url = url,
            BearerToken = token,
            QueueCapacity = Int(y, map, "queue_capacity", 1, 100_000_000) ?? defaults.QueueCapacity,
            MaxPointsPerRequest = Int(y, map, "max_points_per_request", 1, 1_000_000) ?? defaults.MaxPointsPerRequest,
            Timeout = Duration(y, map, "timeout") ?? defaults.Timeout,
            RetryBaseDelay = Duration(y, map, "retry_base_delay") ?? defaults.RetryBaseDelay,
            RetryMaxDelay = Duration(y, map, "retry_max_delay") ?? defaults.RetryMaxDelay,
            MaxAttempts = Int(y, map, "max_attempts", 1, 1000) ?? defaults.MaxAttempts,
        };
        y.Errors.AddRange(options.Validate());
        context.Set(options);
    }

    private static int? Int(ConfigReader y, YamlDotNet.RepresentationModel.YamlMappingNode? map, string key, int min, int max)
        => map is null ? null : y.Int(map, Path, key, min, max);

    private static TimeSpan? Duration(ConfigReader y, YamlDotNet.RepresentationModel.YamlMappingNode? map, string key)
        => map is null ? null : y.Duration(map, Path, key, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
}
