namespace Vigil.Prometheus;

/// <summary>How Vigil talks to the Prometheus HTTP API. Validate with <see cref="Validate"/> at start-up.</summary>
public sealed class PrometheusClientOptions
{
    /// <summary>
    /// Prometheus base URL. Default <c>http://localhost:9090</c>. May carry a path prefix
    /// (<c>http://host/prometheus</c>), a trailing slash, or the <c>/api/v1</c> suffix; all resolve to the same API.
    /// Credentials must not be embedded in the URL (they would end up in logs): use the auth options.
    /// </summary>
    public Uri BaseUrl { get; set; } = new("http://localhost:9090");

    /// <summary>Time allowed for one attempt (request, response headers and body). Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt for transient failures only. Default 3 (so up to 4 requests).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles per retry with jitter, capped at 10 s. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Bearer token sent as <c>Authorization: Bearer</c>. Exclusive with <see cref="BearerTokenFile"/> and basic auth.</summary>
    public string? BearerToken { get; set; }

    /// <summary>File holding the bearer token; read (and trimmed) on every request so rotated tokens are picked up.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>Basic auth user name.</summary>
    public string? Username { get; set; }

    /// <summary>Basic auth password (requires <see cref="Username"/>).</summary>
    public string? Password { get; set; }

    /// <summary>PEM file of CA certificates trusted (instead of the system store) for an https BaseUrl.</summary>
    public string? CaFile { get; set; }

    /// <summary>Skip TLS certificate verification entirely. For test set-ups only. Default false.</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>Requests whose URL-encoded parameters are longer than this many characters go as a form POST. Default 2048.</summary>
    public int PostThreshold { get; set; } = 2048;

    /// <summary>Largest response body accepted, in bytes (after decompression). Default 512 MiB.</summary>
    public long MaxResponseBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Every configuration error as <c>field: message</c>; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BaseUrl is null)
        {
            errors.Add($"{nameof(BaseUrl)}: is required");
        }
        else if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{nameof(BaseUrl)}: must be an absolute http or https URL, got '{BaseUrl.OriginalString}'");
        }
        else
        {
            if (!string.IsNullOrEmpty(BaseUrl.UserInfo))
            {
                errors.Add($"{nameof(BaseUrl)}: must not contain credentials; use {nameof(Username)}/{nameof(Password)} or {nameof(BearerToken)}");
            }

            if (!string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment))
            {
                errors.Add($"{nameof(BaseUrl)}: must not contain a query string or fragment");
            }
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(Timeout)}: must be positive, got {Timeout}");
        }

        if (MaxRetries is < 0 or > PrometheusConstants.MaxRetriesLimit)
        {
            errors.Add($"{nameof(MaxRetries)}: must be between 0 and {PrometheusConstants.MaxRetriesLimit}, got {MaxRetries}");
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > PrometheusConstants.MaxRetryDelay)
        {
            errors.Add($"{nameof(RetryBaseDelay)}: must be between 0 and {PrometheusConstants.MaxRetryDelay}, got {RetryBaseDelay}");
        }

        if (PostThreshold < 0)
        {
            errors.Add($"{nameof(PostThreshold)}: must not be negative, got {PostThreshold}");
        }

        // One contiguous buffer holds the body, so the array length limit is the hard ceiling.
        if (MaxResponseBytes <= 0 || MaxResponseBytes >= Array.MaxLength)
        {
            errors.Add($"{nameof(MaxResponseBytes)}: must be between 1 and {Array.MaxLength - 1}, got {MaxResponseBytes}");
        }

        var hasBearer = !string.IsNullOrEmpty(BearerToken);
        var hasBearerFile = !string.IsNullOrEmpty(BearerTokenFile);
        var hasBasic = !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);
        if (hasBearer && hasBearerFile)
        {
            errors.Add($"{nameof(BearerToken)}: set either {nameof(BearerToken)} or {nameof(BearerTokenFile)}, not both");
        }

        if ((hasBearer || hasBearerFile) && hasBasic)
        {
            errors.Add($"{nameof(Username)}: basic auth and bearer token are mutually exclusive");
        }

        if (string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password))
        {
            errors.Add($"{nameof(Username)}: is required when {nameof(Password)} is set");
        }

        if (!string.IsNullOrEmpty(Username) && Username.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"{nameof(Username)}: must not contain ':' (RFC 7617)");
        }

        if (hasBearerFile && !File.Exists(BearerTokenFile))
        {
            errors.Add($"{nameof(BearerTokenFile)}: file '{BearerTokenFile}' does not exist");
        }

        if (!string.IsNullOrEmpty(CaFile) && !File.Exists(CaFile))
        {
            errors.Add($"{nameof(CaFile)}: file '{CaFile}' does not exist");
        }

        return errors;
    }
}
