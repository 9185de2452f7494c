using System.Globalization;
using Vigil.Configuration;

namespace Vigil.Logs.Sources.Loki;

/// <summary>A Loki source: a LogQL stream selector read with <c>query_range</c>, forward, in pages.</summary>
public sealed record LokiOptions
{
    public const int DefaultLimit = 5000;
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultInitialLookback = TimeSpan.FromMinutes(5);

    /// <summary>Loki's base URL, e.g. <c>http://loki:3100</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>LogQL log query, e.g. <c>{namespace="shop", app="checkout"}</c>.</summary>
    public required string Query { get; init; }

    /// <summary>Sent as <c>X-Scope-OrgID</c> (multi-tenant Loki).</summary>
    public string? Tenant { get; init; }

    /// <summary>Basic auth user (with <see cref="Password"/>), or null.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Bearer token, or null. Exclusive with basic auth.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Entries per request (Loki's <c>limit</c>); a full page is followed by the next one at once.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>How often new entries are asked for.</summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>How far behind now the range ends, so late-arriving entries are in Loki before their range is read.</summary>
    public TimeSpan Delay { get; init; } = DefaultDelay;

    /// <summary>Range read on the first poll when there is no checkpoint.</summary>
    public TimeSpan InitialLookback { get; init; } = DefaultInitialLookback;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("url: an absolute http(s) URL is required");
        }

        if (string.IsNullOrWhiteSpace(Query) || !Query.TrimStart().StartsWith('{'))
        {
            errors.Add("query: a LogQL log query starting with a stream selector ({...}) is required");
        }

        if ((Username is null) != (Password is null))
        {
            errors.Add("username, password: give both or neither");
        }

        if (BearerToken is not null && Username is not null)
        {
            errors.Add("bearer_token: exclusive with username/password");
        }

        if (Limit is <= 0 or > 100_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"limit: must be 1..100000, got {Limit}"));
        }

        foreach (var (name, value) in new[] { ("poll_interval", PollInterval), ("initial_lookback", InitialLookback) })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name}: must be > 0");
            }
        }

        if (Delay < TimeSpan.Zero)
        {
            errors.Add("delay: must be >= 0");
        }

        return errors;
    }

    public void EnsureValid()
    {
        ConfigException.ThrowIfInvalid("logs.sources", Validate());
    }
}
