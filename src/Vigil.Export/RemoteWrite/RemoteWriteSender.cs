using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Export.RemoteWrite;

/// <summary>
/// Sends queued points to the remote-write receiver, one request of up to
/// <see cref="RemoteWriteOptions.MaxPointsPerRequest"/> points at a time, in order. Follows the 1.0 spec: 5xx and 429
/// are retried with exponential back-off (a <c>Retry-After</c> is honoured up to the max delay), other 4xx are not
/// (the receiver rejected the data: retrying sends the same rejection) and are counted as failed, as is a request
/// still failing after <see cref="RemoteWriteOptions.MaxAttempts"/>. At shutdown the points still queued get one
/// last attempt.
/// </summary>
public sealed partial class RemoteWriteSender(
    HttpClient http,
    RemoteWriteOptions options,
    RemoteWriteBuffer queue,
    RemoteWriteMetrics metrics,
    VigilMetrics vigilMetrics,
    TimeProvider time,
    ILogger<RemoteWriteSender> logger) : BackgroundService
{
    public const string ContentType = "application/x-protobuf";
    public const string VersionHeader = "X-Prometheus-Remote-Write-Version";
    public const string Version = "0.1.0";

    private readonly List<ScoredPoint> _batch = new(options.MaxPointsPerRequest);

    /// <summary>Why the last failed request failed (status and the receiver's answer), for reports.</summary>
    public string? LastError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendQueuedAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: one last attempt for what is queued, bounded by one request timeout per batch.
            await SendQueuedAsync(CancellationToken.None, lastChance: true).ConfigureAwait(false);
        }
    }

    /// <summary>Sends everything queued now (the loop's body; tests call it directly).</summary>
    internal async Task SendQueuedAsync(CancellationToken cancellationToken, bool lastChance = false)
    {
        while (queue.Take(_batch, options.MaxPointsPerRequest) > 0)
        {
            var body = RemoteWriteEncoder.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_batch));
            var points = _batch.Count;
            _batch.Clear();
            if (await SendWithRetriesAsync(body, points, lastChance ? 1 : options.MaxAttempts, cancellationToken).ConfigureAwait(false))
            {
                metrics.SentPoints(points);
            }
            else
            {
                metrics.FailedPoints(points);
                vigilMetrics.CountError(ErrorTypes.RemoteWrite);
            }
        }
    }

    private async Task<bool> SendWithRetriesAsync(byte[] body, int points, int maxAttempts, CancellationToken cancellationToken)
    {
        var delay = options.RetryBaseDelay;
        for (var attempt = 1; ; attempt++)
        {
            var (ok, retryable, error, retryAfter) = await SendOnceAsync(body, cancellationToken).ConfigureAwait(false);
            if (ok)
            {
                return true;
            }

            if (!retryable || attempt >= maxAttempts)
            {
                LastError = error;
                LogFailed(logger, points * 4, attempt, error);
                return false;
            }

            LogRetrying(logger, error, attempt);
            var wait = retryAfter is { } after && after > delay ? (after < options.RetryMaxDelay ? after : options.RetryMaxDelay) : delay;
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < options.RetryMaxDelay ? delay * 2 : options.RetryMaxDelay;
        }
    }

    private async Task<(bool Ok, bool Retryable, string Error, TimeSpan? RetryAfter)> SendOnceAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        request.Content.Headers.ContentEncoding.Add("snappy");
        request.Headers.Add(VersionHeader, Version);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("vigil", typeof(RemoteWriteSender).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (options.BearerToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            metrics.Observe(Stopwatch.GetElapsedTime(started));
            if (response.IsSuccessStatusCode)
            {
                return (true, false, string.Empty, null);
            }

            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var retryable = status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
            return (false, retryable, $"{status} {response.ReasonPhrase}: {Trim(text)}", response.Headers.RetryAfter?.Delta);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, true, $"no answer within {options.Timeout.TotalSeconds:0.#} s", null);
        }
        catch (HttpRequestException ex)
        {
            return (false, true, ex.Message, null);
        }
    }

    private static string Trim(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + "…";

    [LoggerMessage(11000, LogLevel.Warning, "Remote-write: {Samples} samples not written after {Attempts} attempt(s): {Error}")]
    private static partial void LogFailed(ILogger logger, int samples, int attempts, string error);

    [LoggerMessage(11001, LogLevel.Debug, "Remote-write: attempt {Attempt} failed ({Error}); retrying")]
    private static partial void LogRetrying(ILogger logger, string error, int attempt);
}
