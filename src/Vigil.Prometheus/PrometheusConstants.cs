namespace Vigil.Prometheus;

internal static class PrometheusConstants
{
    public const string ErrorTypeQuery = "prometheus_query";
    public const string ErrorTypeResponse = "prometheus_response";

    public const string QueryRangeEndpoint = "query_range";
    public const string QueryEndpoint = "query";
    public const string RemoteReadEndpoint = "read";

    public const int MaxRetriesLimit = 20;

    /// <summary>Cap of the exponential back-off so a long outage is probed at least this often.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>Cap of a server's Retry-After: a job runs on a schedule and must not park for minutes.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Idle connections are recycled so DNS changes (e.g. a Prometheus fail-over) are picked up.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>First buffer size when the server does not send Content-Length.</summary>
    public const int InitialBufferBytes = 64 * 1024;

    /// <summary>How much of a non-API error body (HTML from a proxy, say) goes into an exception message.</summary>
    public const int ErrorBodySnippetChars = 200;

    public const string HttpClientName = "Vigil.Prometheus";

    /// <summary>
    /// Label sets kept across responses (each ~0.5 KB with its key): room for the series of all jobs of a typical
    /// deployment; a larger universe resets the cache rather than growing without bound.
    /// </summary>
    public const int LabelSetCacheEntries = 262_144;
}
