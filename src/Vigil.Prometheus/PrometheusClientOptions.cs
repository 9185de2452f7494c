using System.Globalization;

namespace Vigil.Prometheus;

/// <summary>How Vigil talks to the Prometheus HTTP API (immutable, as every options type; change with <c>with</c>). Validate with <see cref="Validate"/> at start-up.</summary>
public sealed record PrometheusClientOptions
{
    /// <summary>
    /// Prometheus base URL. Default <c>http://localhost:9090</c>. May carry a path prefix
    /// (<c>http://host/prometheus</c>), a trailing slash, or the <c>/api/v1</c> suffix; all resolve to the same API.
    /// Credentials must not be embedded in the URL (they would end up in logs): use the auth options.
    /// </summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Time allowed for one attempt (request, response headers and body). Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt for transient failures only. Default 3 (so up to 4 requests).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay; doubles per retry with jitter, capped at 10 s. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Bearer token sent as <c>Authorization: Bearer</c>. Exclusive with <see cref="BearerTokenFile"/> and basic auth.</summary>
    public string? BearerToken { get; init; }

    /// <summary>File holding the bearer token; read (and trimmed) on every request so rotated tokens are picked up.</summary>
    public string? BearerTokenFile { get; init; }

    /// <summary>Basic auth user name.</summary>
    public string? Username { get; init; }

    /// <summary>Basic auth password (requires <see cref="Username"/>).</summary>
    public string? Password { get; init; }

    /// <summary>PEM file of CA certificates trusted (instead of the system store) for an https BaseUrl.</summary>
    public string? CaFile { get; init; }

    /// <summary>Skip TLS certificate verification entirely. For test set-ups only. Default false.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Requests whose URL-encoded parameters are longer than this many characters go as a form POST. Default 2048.</summary>
    public int PostThreshold { get; init; } = 2048;

    /// <summary>
    /// Ask Prometheus to gzip responses (<c>Accept-Encoding</c>). Default true: a 100k-series matrix shrinks ~10× on the
    /// wire. Off, Vigil neither asks for nor inflates compressed bodies, which saves the CPU of gzip on both sides where
    /// Prometheus is on the same host or network and bandwidth is free (docs/benchmarks.md, "Scale").
    /// </summary>
    public bool Compression { get; init; } = true;

    /// <summary>
    /// How range queries are read: <see cref="PrometheusProtocol.Query"/> (default, the HTTP query API: any PromQL) or
    /// <see cref="PrometheusProtocol.RemoteRead"/> (<c>POST /api/v1/read</c>, snappy protobuf: series selectors only, about
    /// a tenth of the JSON path's parsing cost; docs/configuration.md). Instant queries always use the query API.
    /// </summary>
    public PrometheusProtocol Protocol { get; init; } = PrometheusProtocol.Query;

    /// <summary>
    /// With <see cref="PrometheusProtocol.RemoteRead"/>: how old the newest sample may be at a step and still be its value,
    /// as PromQL's <c>--query.lookback-delta</c> (default 5 m, Prometheus' own). Each read reaches this far back before
    /// its first step, so a shorter one (two scrape intervals) reads fewer samples.
    /// </summary>
    public TimeSpan LookbackDelta { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest and longest <see cref="LookbackDelta"/> accepted.</summary>
    public static readonly TimeSpan MinLookbackDelta = TimeSpan.FromSeconds(1);

    /// <inheritdoc cref="MinLookbackDelta"/>
    public static readonly TimeSpan MaxLookbackDelta = TimeSpan.FromDays(1);

    /// <summary>Largest response body accepted, in bytes (after decompression). Default 512 MiB.</summary>
    public long MaxResponseBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>The Prometheus a configuration without <c>url</c> (or <c>PROMQL_QUERY</c> without <c>PROMETHEUS_URL</c>) talks to.</summary>
    public static readonly Uri DefaultBaseUrl = new("http://localhost:9090");

    /// <summary>Shortest per-attempt time-out accepted.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest per-attempt time-out accepted.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Every configuration error as <c>key: message</c>, keyed by the YAML key of <c>sources.prometheus</c> (the section
    /// reader reports them under that path); empty when the options are usable. The rules are defined here only.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BaseUrl is null)
        {
            errors.Add("url: is required");
        }
        else if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"url: must be an absolute http or https URL, got '{BaseUrl.OriginalString}'");
        }
        else
        {
            if (!string.IsNullOrEmpty(BaseUrl.UserInfo))
            {
                errors.Add("url: must not contain credentials; use username/password or bearer_token");
            }

            if (!string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment))
            {
                errors.Add("url: must not contain a query string or fragment");
            }
        }

        if (Timeout < MinTimeout || Timeout > MaxTimeout)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"timeout: must be between {MinTimeout} and {MaxTimeout}, got {Timeout}"));
        }

        if (MaxRetries is < 0 or > PrometheusConstants.MaxRetriesLimit)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"max_retries: must be between 0 and {PrometheusConstants.MaxRetriesLimit}, got {MaxRetries}"));
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > PrometheusConstants.MaxRetryDelay)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"retry_base_delay: must be between 0 and {PrometheusConstants.MaxRetryDelay}, got {RetryBaseDelay}"));
        }

        if (PostThreshold < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"post_threshold: must not be negative, got {PostThreshold}"));
        }

        // One contiguous buffer holds the body, so the array length limit is the hard ceiling.
        if (MaxResponseBytes <= 0 || MaxResponseBytes >= Array.MaxLength)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"max_response_bytes: must be between 1 and {Array.MaxLength - 1}, got {MaxResponseBytes}"));
        }

        if (!Enum.IsDefined(Protocol))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"protocol: must be query or remote_read, got {Protocol}"));
        }

        if (LookbackDelta < MinLookbackDelta || LookbackDelta > MaxLookbackDelta || LookbackDelta.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"lookback_delta: must be whole milliseconds between {MinLookbackDelta} and {MaxLookbackDelta}, got {LookbackDelta}"));
        }

        var hasBearer = !string.IsNullOrEmpty(BearerToken);
        var hasBearerFile = !string.IsNullOrEmpty(BearerTokenFile);
        var hasBasic = !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);
        if (hasBearer && hasBearerFile)
        {
            errors.Add("bearer_token: set either bearer_token or bearer_token_file, not both");
        }

        if ((hasBearer || hasBearerFile) && hasBasic)
        {
            errors.Add("username: basic auth and a bearer token are mutually exclusive");
        }

        if (string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password))
        {
            errors.Add("username: required when password is set");
        }

        if (!string.IsNullOrEmpty(Username) && Username.Contains(':', StringComparison.Ordinal))
        {
            errors.Add("username: must not contain ':' (RFC 7617)");
        }

        if (hasBearerFile && !File.Exists(BearerTokenFile))
        {
            errors.Add($"bearer_token_file: file '{BearerTokenFile}' not found");
        }

        if (!string.IsNullOrEmpty(CaFile) && !File.Exists(CaFile))
        {
            errors.Add($"ca_file: file '{CaFile}' not found");
        }

        return errors;
    }
}

/// <summary>How <see cref="PrometheusClient"/> reads range queries (<c>sources.prometheus.protocol</c>).</summary>
public enum PrometheusProtocol
{
    /// <summary><c>query</c>: the HTTP query API (<c>/api/v1/query_range</c>, JSON): any PromQL.</summary>
    Query,

    /// <summary><c>remote_read</c>: the remote-read API (<c>/api/v1/read</c>, snappy protobuf): series selectors only.</summary>
    RemoteRead,
}
