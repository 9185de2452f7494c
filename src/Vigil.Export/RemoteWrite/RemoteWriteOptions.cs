namespace Vigil.Export.RemoteWrite;

/// <summary>Where and how scores are written with remote-write (config section <c>remote_write</c>).</summary>
public sealed record RemoteWriteOptions
{
    /// <summary>The receiver's write endpoint, e.g. <c>http://prometheus:9090/api/v1/write</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set.</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// Points waiting to be sent (each point is four samples: score, expected, lower, upper). When the receiver is
    /// slower or down for long, the oldest points are dropped and counted, so memory stays bounded.
    /// </summary>
    public int QueueCapacity { get; init; } = 100_000;

    /// <summary>Points per request (×4 samples): 500 points = 2,000 samples, Prometheus' own default shard batch.</summary>
    public int MaxPointsPerRequest { get; init; } = 500;

    /// <summary>Per request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First back-off after a 5xx, a 429 or a transport error; doubles up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per request before its samples are counted as failed (a request is never retried forever, so
    /// one poisoned batch cannot stall the queue).</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Every problem, with the key it concerns; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        List<string> errors = [];
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"remote_write.url: must be an absolute http(s) URL, got '{Url}'");
        }

        if (QueueCapacity < 1)
        {
            errors.Add("remote_write.queue_capacity: must be at least 1");
        }

        if (MaxPointsPerRequest < 1)
        {
            errors.Add("remote_write.max_points_per_request: must be at least 1");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("remote_write.timeout: must be positive");
        }

        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            errors.Add("remote_write.retry: base delay must be positive and not above the max delay");
        }

        if (MaxAttempts < 1)
        {
            errors.Add("remote_write.max_attempts: must be at least 1");
        }

        return errors;
    }
}
