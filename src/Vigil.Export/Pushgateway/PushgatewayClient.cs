using System.Net;
using System.Net.Http.Headers;

namespace Vigil.Export.Pushgateway;

/// <summary>How a push treats the metrics already in the group.</summary>
public enum PushMethod
{
    /// <summary>PUT: the pushed metrics replace the whole group (a run's results never mix with the previous run's).</summary>
    Replace,

    /// <summary>POST: only metrics of the same names are replaced; the rest of the group stays.</summary>
    Merge,
}

/// <summary>The outcome of a push or delete: success, or what went wrong after the retries.</summary>
public sealed record PushResult(bool Succeeded, int Attempts, string? Error)
{
    public static PushResult Ok(int attempts) => new(true, attempts, null);
}

/// <summary>
/// Pushes Prometheus text exposition to a Pushgateway group, retrying transport errors, timeouts, 5xx and 429 with
/// exponential back-off. A 4xx other than 429 (e.g. the Pushgateway rejecting inconsistent metrics) is not retried:
/// the same body would be rejected again. Never throws for HTTP outcomes: the caller decides what a failed push means.
/// </summary>
public sealed class PushgatewayClient(HttpClient http, PushgatewayOptions options, TimeProvider time)
{
    /// <summary>The exposition format's content type, as the Pushgateway expects it.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private Uri GroupUrl => new(new Uri(options.Url.ToString().TrimEnd('/') + "/"), GroupingKey.Path(options.Job, options.GroupingLabels));

    public Task<PushResult> PushAsync(ReadOnlyMemory<byte> exposition, PushMethod method, CancellationToken cancellationToken)
        => SendAsync(
            () =>
            {
                var content = new ReadOnlyMemoryContent(exposition);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
                return new HttpRequestMessage(method == PushMethod.Replace ? HttpMethod.Put : HttpMethod.Post, GroupUrl) { Content = content };
            },
            cancellationToken);

    /// <summary>Deletes the whole group (see <see cref="PushgatewayOptions.DeleteAtEnd"/> for the trade-off).</summary>
    public Task<PushResult> DeleteAsync(CancellationToken cancellationToken)
        => SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, GroupUrl), cancellationToken);

    private async Task<PushResult> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var delay = options.RetryBaseDelay;
        string error;
        var attempt = 0;
        while (true)
        {
            attempt++;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            bool retryable;
            try
            {
                using var request = createRequest();
                using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return PushResult.Ok(attempt);
                }

                var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                error = $"{(int)response.StatusCode} {response.ReasonPhrase}: {body.Trim()}";
                retryable = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no answer within {options.Timeout.TotalSeconds:0.#} s";
                retryable = true;
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
                retryable = true;
            }

            if (!retryable || attempt > options.MaxRetries)
            {
                return new PushResult(false, attempt, $"{GroupUrl}: {error}");
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay += delay;
        }
    }
}
