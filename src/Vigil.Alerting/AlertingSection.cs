using Vigil.Configuration;
using YamlDotNet.RepresentationModel;

namespace Vigil.Alerting;

/// <summary>
/// <c>alerting:</c> and <c>redis:</c> → <see cref="AlertingOptions"/> (docs/alerting.md). Nothing is stored without
/// an <c>alerting</c> section: then nothing is delivered. Which jobs notify is the jobs' own <c>notify: true</c>;
/// the host fills <see cref="AlertingOptions.NotifyJobs"/> from them.
/// </summary>
public sealed class AlertingSection : IConfigSection
{
    public const string Path = "alerting";

    public const string RedisPath = "redis";

    public IReadOnlyList<string> Keys { get; } = [Path, RedisPath];

    public IReadOnlyList<string> EnvironmentVariables { get; } = [];

    public void Read(ConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var y = context.Reader;
        var map = context.Mapping(Path);
        var redis = context.Mapping(RedisPath);
        if (map is null)
        {
            if (redis is not null)
            {
                y.Error(RedisPath, "only used by alerting (dedup of alerts): add an alerting section");
            }

            return;
        }

        y.RejectUnknown(map, Path, "alertmanagers", "webhooks", "log", "resend_interval", "dedup_window", "shadow_mode", "external_url");
        var defaults = new AlertingOptions();
        var alertmanagers = new List<AlertmanagerTarget>();
        if (y.Sequence(map, Path, "alertmanagers") is { } seq)
        {
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var path = FormattableString.Invariant($"{Path}.alertmanagers[{i}]");
                if (seq.Children[i] is not YamlMappingNode target)
                {
                    y.Error(path, "must be a mapping with url and optional bearer_token");
                    continue;
                }

                y.RejectUnknown(target, path, "url", "bearer_token");
                if (Url(y, target, path, "url", required: true) is { } url)
                {
                    alertmanagers.Add(new AlertmanagerTarget { Url = url, BearerToken = y.String(target, path, "bearer_token") });
                }
            }
        }

        var webhooks = new List<Uri>();
        if (y.Strings(map, Path, "webhooks") is { } hooks)
        {
            for (var i = 0; i < hooks.Count; i++)
            {
                if (Uri.TryCreate(hooks[i], UriKind.Absolute, out var hook))
                {
                    webhooks.Add(hook);
                }
                else
                {
                    y.Error(FormattableString.Invariant($"{Path}.webhooks[{i}]"), $"'{hooks[i]}' is not an absolute http(s) URL");
                }
            }
        }

        string? redisUrl = null;
        if (redis is not null)
        {
            y.RejectUnknown(redis, RedisPath, "url");
            redisUrl = y.String(redis, RedisPath, "url", required: true);
        }

        var options = new AlertingOptions
        {
            Alertmanagers = alertmanagers,
            Webhooks = webhooks,
            Log = y.Bool(map, Path, "log") ?? defaults.Log,
            ResendInterval = y.Duration(map, Path, "resend_interval", AlertingOptions.MinInterval, AlertingOptions.MaxInterval) ?? defaults.ResendInterval,
            DedupWindow = y.Duration(map, Path, "dedup_window", AlertingOptions.MinInterval, AlertingOptions.MaxDedupWindow) ?? defaults.DedupWindow,
            ShadowMode = y.Bool(map, Path, "shadow_mode") ?? defaults.ShadowMode,
            ExternalUrl = Url(y, map, Path, "external_url", required: false),
            RedisUrl = redisUrl,
        };
        y.Errors.AddRange(options.Validate());
        context.Set(options);
    }

    private static Uri? Url(ConfigReader y, YamlMappingNode map, string path, string key, bool required)
    {
        if (y.String(map, path, key, required) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            return url;
        }

        y.Error($"{path}.{key}", $"'{text}' is not an absolute http(s) URL");
        return null;
    }
}
