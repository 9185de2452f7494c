using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Vigil.Prometheus;

/// <summary>Builds API requests: endpoint URL under any path prefix, GET or form POST, authentication.</summary>
internal sealed class PrometheusRequestFactory
{
    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");
    private static readonly MediaTypeWithQualityHeaderValue JsonAccept = new("application/json");
    private static readonly MediaTypeHeaderValue ProtobufContentType = new("application/x-protobuf");
    private static readonly MediaTypeWithQualityHeaderValue ProtobufAccept = new("application/x-protobuf");

    private readonly PrometheusClientOptions _options;
    private readonly Uri _apiBase;

    public PrometheusRequestFactory(PrometheusClientOptions options)
    {
        _options = options;
        _apiBase = ApiBase(options.BaseUrl);
    }

    /// <summary>
    /// <c>http://h:9090</c>, <c>http://h:9090/</c>, <c>http://h:9090/api/v1/</c> all become <c>http://h:9090/api/v1/</c>;
    /// a prefix (<c>http://h/prometheus</c>) is kept.
    /// </summary>
    public static Uri ApiBase(Uri baseUrl)
    {
        var path = baseUrl.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api/v1", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^"/api/v1".Length];
        }

        return new UriBuilder(baseUrl) { Path = path + "/api/v1/", Query = string.Empty, Fragment = string.Empty }.Uri;
    }

    public Uri EndpointUri(string endpoint) => new(_apiBase, endpoint);

    /// <summary>URL-encodes parameters as one form string (also the GET query string).</summary>
    public static string EncodeForm(ReadOnlySpan<KeyValuePair<string, string>> parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }

    /// <summary>Unix seconds with millisecond precision, as Prometheus itself prints them ("1435781451.781").</summary>
    public static string FormatUnixSeconds(long milliseconds)
    {
        if (milliseconds < 0)
        {
            return (milliseconds / 1000m).ToString(CultureInfo.InvariantCulture);
        }

        var seconds = Math.DivRem(milliseconds, 1000, out var fraction);
        return fraction == 0
            ? seconds.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}.{fraction:000}").TrimEnd('0');
    }

    public async ValueTask<HttpRequestMessage> CreateAsync(string endpoint, string form, CancellationToken cancellationToken)
    {
        var uri = EndpointUri(endpoint);
        HttpRequestMessage request;

        // Long queries overflow URL limits of proxies and Go's default 1 MiB header limit; Prometheus
        // accepts the same parameters as a form POST on both query endpoints.
        if (form.Length > _options.PostThreshold)
        {
            var content = new ByteArrayContent(Encoding.ASCII.GetBytes(form));
            content.Headers.ContentType = FormContentType;
            request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Get, new Uri(uri.AbsoluteUri + "?" + form));
        }

        try
        {
            request.Headers.Accept.Add(JsonAccept);
            request.Headers.Authorization = await CreateAuthorizationAsync(cancellationToken).ConfigureAwait(false);
            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A remote-read request (<c>POST /api/v1/read</c>) with the headers of the protocol: the body is snappy-framed
    /// protobuf, and the version header is the one Prometheus' own remote-read client sends.
    /// </summary>
    public async ValueTask<HttpRequestMessage> CreateRemoteReadAsync(byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = ProtobufContentType;
        content.Headers.ContentEncoding.Add("snappy");
        var request = new HttpRequestMessage(HttpMethod.Post, EndpointUri(PrometheusConstants.RemoteReadEndpoint)) { Content = content };
        try
        {
            request.Headers.Accept.Add(ProtobufAccept);
            request.Headers.Add("X-Prometheus-Remote-Read-Version", "0.1.0");
            request.Headers.Authorization = await CreateAuthorizationAsync(cancellationToken).ConfigureAwait(false);
            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private async ValueTask<AuthenticationHeaderValue?> CreateAuthorizationAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.BearerToken))
        {
            return new AuthenticationHeaderValue("Bearer", _options.BearerToken.Trim());
        }

        if (!string.IsNullOrEmpty(_options.BearerTokenFile))
        {
            // Read on every request: service-account tokens are rotated on disk while we run.
            string token;
            try
            {
                token = (await File.ReadAllTextAsync(_options.BearerTokenFile, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new PrometheusTransportException(
                    $"cannot read {nameof(PrometheusClientOptions.BearerTokenFile)} '{_options.BearerTokenFile}': {ex.Message}", null, isTransient: false, ex);
            }

            if (token.Length == 0)
            {
                throw new PrometheusTransportException(
                    $"{nameof(PrometheusClientOptions.BearerTokenFile)} '{_options.BearerTokenFile}' is empty", null, isTransient: false);
            }

            return new AuthenticationHeaderValue("Bearer", token);
        }

        if (!string.IsNullOrEmpty(_options.Username))
        {
            var credentials = Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}");
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        }

        return null;
    }
}
