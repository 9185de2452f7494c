using System.Globalization;

namespace Vigil.Alerting;

/// <summary>One Alertmanager, addressed directly (never through a load balancer: each instance must get every alert).</summary>
public sealed record AlertmanagerTarget
{
    /// <summary>Base URL; alerts are posted to <c>{url}/api/v2/alerts</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>Optional bearer token sent as <c>Authorization: Bearer</c>.</summary>
    public string? BearerToken { get; init; }
}

/// <summary>The <c>alerting:</c> and <c>redis:</c> sections. Defaults live here, once.</summary>
public sealed record AlertingOptions
{
    /// <summary>Shortest resend interval or dedup window accepted.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest resend interval accepted.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    /// <summary>Longest dedup window accepted.</summary>
    public static readonly TimeSpan MaxDedupWindow = TimeSpan.FromDays(7);

    public IReadOnlyList<AlertmanagerTarget> Alertmanagers { get; init; } = [];

    /// <summary>Generic JSON webhooks: each firing and resolution is posted once (retried until acknowledged).</summary>
    public IReadOnlyList<Uri> Webhooks { get; init; } = [];

    /// <summary>
    /// Deliver to Vigil's own log as well (<c>alerting.log</c>): one warning line per firing and per resolution. The
    /// embedded demo turns it on, so a new user sees alerting work without any server. Default false.
    /// </summary>
    public bool Log { get; init; }

    /// <summary>Active alerts are re-sent to every Alertmanager this often; their endsAt lease is four of these.</summary>
    public TimeSpan ResendInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The same dedup key is published at most once per window, across replicas and restarts.</summary>
    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a resolution keeps being re-sent (so an Alertmanager that was down also sees it).</summary>
    public TimeSpan ResolvedResendPeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Global shadow mode: everything recorded, exported and visible, nothing delivered. ORed with the raiser's own flag.</summary>
    public bool ShadowMode { get; init; }

    /// <summary>Vigil's externally reachable URL; <see cref="AlertEvent.GeneratorPath"/> is made absolute with it.</summary>
    public Uri? ExternalUrl { get; init; }

    /// <summary><c>redis.url</c> (StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>); null: dedup in the event store.</summary>
    public string? RedisUrl { get; init; }

    /// <summary>First retry delay after a failed delivery; doubles per consecutive failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-request timeout for a receiver.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs whose episode onsets/ends are routed through the notifier (<c>notify: true</c> on the job).</summary>
    public IReadOnlySet<string> NotifyJobs { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>One line for `config check` and the start-up log: where alerts go and how they are deduplicated.</summary>
    public string Describe()
    {
        var receivers = Alertmanagers.Select(a => "Alertmanager " + a.Url.Authority)
            .Concat(Webhooks.Select(w => "webhook " + w.Authority))
            .Concat(Log ? ["the log"] : [])
            .ToList();
        return $"alerting{(ShadowMode ? " (shadow mode: nothing delivered)" : string.Empty)} to {(receivers.Count == 0 ? "no receiver" : string.Join(", ", receivers))}, "
            + $"dedup in {(RedisUrl is null ? "the event store" : "Redis")}, {NotifyJobs.Count} job(s) with notify";
    }

    /// <summary>The endsAt lease of a firing alert: four resend intervals, so three lost resends do not resolve it.</summary>
    public TimeSpan Lease => ResendInterval * 4;

    /// <summary>Every problem as <c>key: message</c> with its full path (the options span <c>alerting</c> and <c>redis</c>); empty when valid. Checked by <see cref="AlertingSection"/> and again by <c>AddAlerting</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Positive(ResendInterval, "alerting.resend_interval");
        Positive(DedupWindow, "alerting.dedup_window");
        Positive(ResolvedResendPeriod, "alerting.resolved_resend_period");
        Positive(RetryBaseDelay, "alerting.retry_base_delay");
        Positive(SendTimeout, "alerting.send_timeout");
        if (RetryMaxDelay < RetryBaseDelay)
        {
            errors.Add("alerting.retry_max_delay: must not be shorter than alerting.retry_base_delay");
        }

        for (var i = 0; i < Alertmanagers.Count; i++)
        {
            Http(Alertmanagers[i].Url, $"alerting.alertmanagers[{i.ToString(CultureInfo.InvariantCulture)}].url");
        }

        for (var i = 0; i < Webhooks.Count; i++)
        {
            Http(Webhooks[i], $"alerting.webhooks[{i.ToString(CultureInfo.InvariantCulture)}]");
        }

        if (ExternalUrl is not null)
        {
            Http(ExternalUrl, "alerting.external_url");
        }

        if (RedisUrl is { } redis && string.IsNullOrWhiteSpace(redis))
        {
            errors.Add("redis.url: must not be empty (omit the key to dedup in the event store)");
        }

        return errors;

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{key}: must be positive, got {value.ToString("c", CultureInfo.InvariantCulture)}");
            }
        }

        void Http(Uri url, string key)
        {
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}: must be an absolute http(s) URL, got '{url}'");
            }
        }
    }
}
