using System.Net.Http.Headers;

namespace Vigil.Prometheus;

/// <summary>How long to wait before the next attempt.</summary>
internal static class RetryDelays
{
    /// <summary>
    /// Exponential back-off with "equal jitter": half the delay is fixed so waits still grow, half is random so
    /// the retries of many jobs hitting the same outage do not arrive in lock-step. A server's Retry-After wins
    /// when it asks for longer.
    /// </summary>
    /// <param name="retry">0 for the first retry.</param>
    /// <param name="baseDelay">Delay of the first retry before jitter.</param>
    /// <param name="retryAfter">What the server asked for, if anything.</param>
    /// <param name="jitter">Uniform in [0, 1).</param>
    public static TimeSpan Next(int retry, TimeSpan baseDelay, TimeSpan? retryAfter, double jitter)
    {
        var exponential = baseDelay.Ticks * Math.Pow(2, Math.Min(retry, 30));
        var capped = Math.Min(exponential, PrometheusConstants.MaxRetryDelay.Ticks);
        var backoff = TimeSpan.FromTicks((long)((capped / 2) + (capped / 2 * jitter)));
        return retryAfter is { } after && after > backoff ? after : backoff;
    }

    /// <summary>The server's Retry-After (seconds or HTTP date), clamped to [0, MaxRetryAfter]; null when absent.</summary>
    public static TimeSpan? FromHeader(RetryConditionHeaderValue? header, TimeProvider timeProvider)
    {
        TimeSpan? delay = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => null,
        };

        if (delay is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero
            : value > PrometheusConstants.MaxRetryAfter ? PrometheusConstants.MaxRetryAfter
            : value;
    }
}
