using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Configuration;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Core.Tracing;
using Vigil.Prometheus.RemoteRead;
using Vigil.Prometheus.Tracing;

namespace Vigil.Prometheus;

/// <summary>
/// Client of the Prometheus HTTP API (<c>/api/v1/query_range</c>, <c>/api/v1/query</c>) with per-attempt time-outs,
/// retries of transient failures only, and a streaming, allocation-light response parser.
/// </summary>
public sealed class PrometheusClient : IMetricSource
{
    private const int MaxLoggedQueryChars = 300;

    private readonly HttpClient _http;
    private readonly PrometheusClientOptions _options;
    private readonly ILogger<PrometheusClient> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly PrometheusRequestFactory _requests;
    private readonly LabelSetCache _labelSets = new(PrometheusConstants.LabelSetCacheEntries);
    private readonly BodyBufferSlot _bodyBuffer = new();

    // Remote-read: its own label cache (keys are protobuf bytes, not JSON), the decoded body's buffer (the wire body is
    // snappy) and the selectors of the queries read so far (a job's query is parsed once, not every cycle).
    private readonly LabelSetCache _readLabelSets = new(PrometheusConstants.LabelSetCacheEntries);
    private readonly BodyBufferSlot _decodedBuffer = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PromSelector?> _selectors = new(StringComparer.Ordinal);
    private int _readSeries;

    // The arrays of batches their consumer released (SeriesBatch.Release: a job's cycle when it has scored them), reused
    // for the next response instead of a new set on the large object heap per cycle and per warm-up slice.
    private readonly SeriesBatchBuffers _batchBuffers = new();

    // Body bytes per sample of the last matrix and the last instant response. A job's responses are alike from one
    // cycle to the next, so this sizes the batch's arrays right at the first try: the parser's fixed estimate (32 bytes
    // a sample) allocated 5.6 times the samples of a one-point-per-series cycle (18 MB, 100k samples: 9 MB of arrays
    // for 1.6 MB used), and too few for the warm-up's slices (which then grew by doubling).
    private double _rangeBytesPerSample;
    private double _instantBytesPerSample;

    /// <exception cref="ConfigException"><paramref name="options"/> is invalid (the message lists every error).</exception>
    public PrometheusClient(HttpClient http, PrometheusClientOptions options, ILogger<PrometheusClient> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ConfigException.ThrowIfInvalid(PrometheusSection.Path, options.Validate());

        _http = http;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _requests = new PrometheusRequestFactory(options);
    }

    /// <summary>Runs a range query; the result must be a matrix.</summary>
    /// <exception cref="ArgumentException">Empty query, <paramref name="end"/> before <paramref name="start"/>, or step below 1 ms.</exception>
    /// <exception cref="PrometheusException">The query failed after the allowed retries.</exception>
    public Task<SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (end < start)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"end ({end:O}) must not be before start ({start:O})"), nameof(end));
        }

        // Prometheus resolves steps to milliseconds; anything smaller would be sent as 0 and rejected.
        if (step < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "step must be at least 1 ms");
        }

        if (_options.Protocol == PrometheusProtocol.RemoteRead && PlanRead(query, start, end, step) is { } read)
        {
            return ExecuteAsync(ExpectedResult.RemoteRead, string.Empty, query, cancellationToken, read);
        }

        var form = PrometheusRequestFactory.EncodeForm(
        [
            new("query", query),
            new("start", PrometheusRequestFactory.FormatUnixSeconds(start.ToUnixTimeMilliseconds())),
            new("end", PrometheusRequestFactory.FormatUnixSeconds(end.ToUnixTimeMilliseconds())),
            new("step", PrometheusRequestFactory.FormatUnixSeconds((long)step.TotalMilliseconds)),
        ]);
        return ExecuteAsync(ExpectedResult.QueryRange, form, query, cancellationToken);
    }

    /// <summary>
    /// Runs an instant query at <paramref name="time"/> (server time when null). A vector gives one sample per
    /// series, a scalar one series with empty labels, a matrix (range-vector selector) its samples.
    /// </summary>
    /// <exception cref="PrometheusException">The query failed after the allowed retries, or returned a string.</exception>
    public Task<SeriesBatch> QueryAsync(string query, DateTimeOffset? time, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var form = time is { } t
            ? PrometheusRequestFactory.EncodeForm([new("query", query), new("time", PrometheusRequestFactory.FormatUnixSeconds(t.ToUnixTimeMilliseconds()))])
            : PrometheusRequestFactory.EncodeForm([new("query", query)]);
        return ExecuteAsync(ExpectedResult.Query, form, query, cancellationToken);
    }

    /// <summary>
    /// The remote-read request for a range query: the selector's matchers from the look-back delta before the first step
    /// to the end, and the steps the response is evaluated at (what <c>query_range</c> would return for the selector).
    /// Null when the query is not a plain selector: a job's query is refused at start-up for that (JobsSection), but the
    /// other readers of this source (inspection sensors, charts, backtests) send PromQL, which only the query API evaluates.
    /// </summary>
    private RemoteReadCall? PlanRead(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        if (!_selectors.TryGetValue(query, out var selector))
        {
            selector = PromSelector.TryParse(query, out var parsed, out _) ? parsed : null;
            _selectors[query] = selector;
        }

        if (selector is null)
        {
            return null;
        }

        var lookback = (long)_options.LookbackDelta.TotalMilliseconds;
        var steps = new RemoteReadParser.Steps(start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), (long)step.TotalMilliseconds, lookback);
        return new RemoteReadCall(RemoteReadRequest.Encode(selector, steps.StartMs - lookback, steps.EndMs, steps.StepMs), steps);
    }

    private async Task<SeriesBatch> ExecuteAsync(ExpectedResult expected, string form, string query, CancellationToken cancellationToken, RemoteReadCall? read = null)
    {
        var endpoint = expected.Endpoint;
        var loggedQuery = query.Length <= MaxLoggedQueryChars ? query : string.Concat(query.AsSpan(0, MaxLoggedQueryChars), "...");
        var maxAttempts = _options.MaxRetries + 1;
        using var activity = PrometheusTracing.Source.StartActivity(PrometheusTracing.Query, System.Diagnostics.ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("vigil.prometheus.endpoint", endpoint);
            activity.SetTag("vigil.prometheus.query", loggedQuery);
            activity.SetTag("server.address", _requests.EndpointUri(endpoint).Host);
        }

        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = _timeProvider.GetTimestamp();
            try
            {
                var (parsed, bytes) = read is null
                    ? await SendOnceAsync(expected, form, cancellationToken).ConfigureAwait(false)
                    : await ReadOnceAsync(read, cancellationToken).ConfigureAwait(false);
                var elapsed = _timeProvider.GetElapsedTime(started);
                _logger.QueryCompleted(endpoint, parsed.Batch.SeriesCount, parsed.Batch.SampleCount, bytes, (long)elapsed.TotalMilliseconds, attempt, loggedQuery);
                LogNotes(parsed, endpoint, loggedQuery);
                if (activity is { IsAllDataRequested: true })
                {
                    activity.SetTag("vigil.prometheus.attempts", attempt);
                    activity.SetTag("vigil.series", parsed.Batch.SeriesCount);
                    activity.SetTag("vigil.samples", parsed.Batch.SampleCount);
                    activity.SetTag("vigil.prometheus.response_bytes", bytes);
                }

                return parsed.Batch;
            }
            catch (PrometheusException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!ex.IsTransient || attempt >= maxAttempts)
                {
                    activity?.SetTag("vigil.prometheus.attempts", attempt);
                    Traced.Fail(activity, ex.ErrorType, ex.Message);
                    _logger.QueryFailed(ex, endpoint, attempt, ex.ErrorType, ex.IsTransient, loggedQuery);
                    throw;
                }

                var elapsed = _timeProvider.GetElapsedTime(started);
#pragma warning disable CA5394 // Jitter only spreads retries; it needs no cryptographic randomness.
                var delay = RetryDelays.Next(attempt - 1, _options.RetryBaseDelay, ex.RetryAfter, Random.Shared.NextDouble());
#pragma warning restore CA5394
                _logger.QueryRetrying(endpoint, attempt, maxAttempts, (long)elapsed.TotalMilliseconds, (long)delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(ParsedResponse Parsed, int Bytes)> SendOnceAsync(ExpectedResult expected, string form, CancellationToken cancellationToken)
    {
        var endpoint = expected.Endpoint;
        var uri = _requests.EndpointUri(endpoint);
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = await _requests.CreateAsync(endpoint, form, linked.Token).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            using var body = await ResponseBody.ReadAsync(response.Content, _options.MaxResponseBytes, endpoint, _bodyBuffer, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                throw CreateHttpError(response, body, expected, uri);
            }

            ParsedResponse parsed;
            using (var parse = PrometheusTracing.Source.StartActivity(PrometheusTracing.Parse))
            {
                parse?.SetTag("vigil.prometheus.response_bytes", body.Length);
                parsed = PrometheusResponseParser.Parse(body.Span, expected, _labelSets, ExpectedSamples(expected, body.Length), _batchBuffers);
            }

            RememberSampleSize(expected, body.Length, parsed.Batch.SampleCount);

            if (parsed.IsError)
            {
                throw new PrometheusApiException(parsed.ErrorType!, parsed.Error!, status);
            }

            return (parsed, body.Length);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: not a failure of Prometheus, never retried.
            throw;
        }
        catch (Exception ex) when (TransportFailure(ex, endpoint, uri, timeout) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>One remote-read attempt: the same time-outs and error mapping as <see cref="SendOnceAsync"/>, a protobuf body.</summary>
    private async Task<(ParsedResponse Parsed, int Bytes)> ReadOnceAsync(RemoteReadCall read, CancellationToken cancellationToken)
    {
        var expected = ExpectedResult.RemoteRead;
        var endpoint = expected.Endpoint;
        var uri = _requests.EndpointUri(endpoint);
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = await _requests.CreateRemoteReadAsync(read.Body, linked.Token).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            using var body = await ResponseBody.ReadAsync(response.Content, _options.MaxResponseBytes, endpoint, _bodyBuffer, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw CreateHttpError(response, body, expected, uri);
            }

            // A proxy's page or a server without the endpoint answers 200 with something else: say so, not "corrupt snappy".
            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(contentType, "application/x-protobuf", StringComparison.OrdinalIgnoreCase))
            {
                throw new PrometheusResponseException(
                    $"{endpoint} response from {uri} has content type '{contentType}', not application/x-protobuf (is this a Prometheus remote-read endpoint?){Snippet(body.Span)}");
            }

            var decodedLength = SnappyBlock.DecodedLength(body.Span, out _);
            if (decodedLength > _options.MaxResponseBytes)
            {
                throw new PrometheusResponseException(
                    $"{endpoint} response too large: {decodedLength} bytes once decompressed exceeds {nameof(PrometheusClientOptions.MaxResponseBytes)} = {_options.MaxResponseBytes} bytes; " +
                    "narrow the selector, shorten the range or raise the limit");
            }

            var decoded = _decodedBuffer.Take((int)Math.Max(1, decodedLength));
            var length = 0;
            try
            {
                length = SnappyBlock.Decode(body.Span, decoded);
                using var parse = PrometheusTracing.Source.StartActivity(PrometheusTracing.Parse);
                parse?.SetTag("vigil.prometheus.response_bytes", length);
                var expectedSamples = (int)Math.Min(int.MaxValue / 2, (read.Steps.Count * Volatile.Read(ref _readSeries) * 1.0625) + 16);
                var (batch, skipped) = RemoteReadParser.Parse(decoded.AsSpan(0, length), read.Steps, _readLabelSets, expectedSamples, _batchBuffers);
                if (batch.SeriesCount > 0)
                {
                    Volatile.Write(ref _readSeries, batch.SeriesCount);
                }

                return (new ParsedResponse { IsError = false, ResultType = "matrix", Batch = batch, SkippedHistogramSeries = skipped }, body.Length);
            }
            finally
            {
                _decodedBuffer.Return(decoded, length);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (TransportFailure(ex, endpoint, uri, timeout) is { } failure)
        {
            throw failure;
        }
    }

    private int ExpectedSamples(ExpectedResult expected, int bodyBytes)
    {
        var bytesPerSample = Volatile.Read(ref expected == ExpectedResult.QueryRange ? ref _rangeBytesPerSample : ref _instantBytesPerSample);
        // A sixteenth of head-room: the next cycle's body may carry a few more series than the last.
        return bytesPerSample > 0 ? (int)Math.Min(int.MaxValue / 2, (bodyBytes / bytesPerSample * 1.0625) + 16) : 0;
    }

    private void RememberSampleSize(ExpectedResult expected, int bodyBytes, int samples)
    {
        if (samples > 0)
        {
            Volatile.Write(ref expected == ExpectedResult.QueryRange ? ref _rangeBytesPerSample : ref _instantBytesPerSample, (double)bodyBytes / samples);
        }
    }

    private PrometheusException CreateHttpError(HttpResponseMessage response, ResponseBody body, ExpectedResult expected, Uri uri)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryDelays.FromHeader(response.Headers.RetryAfter, _timeProvider);

        // Prometheus sends 400/422/503 (and 500) with a JSON error body: that body is the real reason.
        ParsedResponse? parsed = null;
        try
        {
            parsed = PrometheusResponseParser.Parse(body.Span, expected);
        }
        catch (PrometheusResponseException)
        {
            // Not an API body (a proxy's HTML page, say): reported by status and a snippet below.
        }

        if (parsed is { IsError: true })
        {
            return new PrometheusApiException(parsed.ErrorType!, parsed.Error!, status) { RetryAfter = retryAfter };
        }

        // 5xx and 429 may pass; any other 4xx (auth, not found, bad request) will fail the same way again.
        var transient = status >= 500 || status == (int)HttpStatusCode.TooManyRequests;
        return new PrometheusTransportException(
            $"Prometheus {expected.Endpoint} request to {uri} returned HTTP {status} ({response.ReasonPhrase}){Snippet(body.Span)}",
            status,
            transient) { RetryAfter = retryAfter };
    }

    private void LogNotes(ParsedResponse parsed, string endpoint, string query)
    {
        foreach (var warning in parsed.Warnings)
        {
            _logger.ResponseWarning(endpoint, warning, query);
        }

        foreach (var info in parsed.Infos)
        {
            _logger.ResponseInfo(endpoint, info, query);
        }

        if (parsed.SkippedHistogramSeries > 0 || parsed.SkippedHistogramSamples > 0)
        {
            _logger.HistogramsSkipped(endpoint, parsed.SkippedHistogramSeries, parsed.SkippedHistogramSamples, query);
        }
    }

    /// <summary>
    /// The transport failures both read paths (the query API and remote-read) report alike: a timeout (ours or
    /// HttpClient's), an HTTP error and a body that could not be read, each as a <see cref="PrometheusTransportException"/>
    /// naming the endpoint and URI; null for anything else (and for the caller's own cancellation, caught before).
    /// </summary>
    private PrometheusTransportException? TransportFailure(Exception ex, string endpoint, Uri uri, CancellationTokenSource timeout) => ex switch
    {
        OperationCanceledException when timeout.IsCancellationRequested => new PrometheusTransportException(
            $"Prometheus {endpoint} request to {uri} timed out after {FormatDuration(_options.Timeout)}", null, isTransient: true, ex),
        OperationCanceledException { InnerException: TimeoutException } => new PrometheusTransportException(
            $"Prometheus {endpoint} request to {uri} timed out after {FormatDuration(_http.Timeout)} (HttpClient.Timeout)", null, isTransient: true, ex),
        HttpRequestException http => new PrometheusTransportException(
            $"Prometheus {endpoint} request to {uri} failed ({http.HttpRequestError}): {http.Message}",
            (int?)http.StatusCode,
            IsTransient(http.HttpRequestError),
            ex),
        IOException => new PrometheusTransportException(
            $"Prometheus {endpoint} response from {uri} could not be read: {ex.Message}", null, isTransient: true, ex),
        _ => null,
    };

    private static bool IsTransient(HttpRequestError error) => error switch
    {
        // A wrong certificate, proxy or protocol set-up does not fix itself; a refused connection or a
        // dropped one (restart, fail-over) may.
        HttpRequestError.SecureConnectionError
            or HttpRequestError.UserAuthenticationError
            or HttpRequestError.ProxyTunnelError
            or HttpRequestError.ConfigurationLimitExceeded
            or HttpRequestError.VersionNegotiationError
            or HttpRequestError.ExtendedConnectNotSupported
            or HttpRequestError.InvalidResponse => false,
        _ => true,
    };

    private static string Snippet(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return string.Empty;
        }

        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, PrometheusConstants.ErrorBodySnippetChars * 2)]);
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (collapsed.Length > PrometheusConstants.ErrorBodySnippetChars)
        {
            collapsed = string.Concat(collapsed.AsSpan(0, PrometheusConstants.ErrorBodySnippetChars), "...");
        }

        return ": " + collapsed;
    }

    /// <summary>A remote-read request body and the steps its response is evaluated at.</summary>
    private sealed record RemoteReadCall(byte[] Body, RemoteReadParser.Steps Steps);

    internal static string FormatDuration(TimeSpan duration) =>
        duration >= TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms");
}
