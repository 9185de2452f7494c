using System.Text.RegularExpressions;

namespace Vigil.Export.Pushgateway;

/// <summary>Where and under which grouping key a batch run pushes its results.</summary>
public sealed partial record PushgatewayOptions
{
    /// <summary>The Pushgateway's base URL (its <c>/metrics/job/...</c> API is below it; a path prefix is kept).</summary>
    public required Uri Url { get; init; }

    /// <summary>The grouping key's <c>job</c>: one group per job (and labels), replaced by each push of that group.</summary>
    public required string Job { get; init; }

    /// <summary>Further grouping labels (e.g. <c>instance</c>, <c>dataset</c>): a run replaces only its own group.</summary>
    public IReadOnlyDictionary<string, string> GroupingLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Delete the group once the run is over. Trade-off: nothing of the run stays on the Pushgateway after it, the
    /// last-success timestamp included, so "the nightly job has not succeeded for 2 days" can no longer be alerted on.
    /// Only for groups that are unique per run (e.g. labelled with a run id), which would otherwise pile up.
    /// </summary>
    public bool DeleteAtEnd { get; init; }

    /// <summary>Per request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a transport error, a timeout, a 5xx or a 429 (then the push is reported as failed).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First back-off; doubles per retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Every problem, with the option it concerns; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        List<string> errors = [];
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"push gateway url: must be an absolute http(s) URL, got '{Url}'");
        }

        if (string.IsNullOrWhiteSpace(Job))
        {
            errors.Add("push job: must not be empty (it is the grouping key's job label)");
        }

        foreach (var name in GroupingLabels.Keys)
        {
            if (!LabelNameRegex().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                errors.Add($"push label '{name}': not a valid Prometheus label name");
            }
            else if (name == "job")
            {
                errors.Add("push label 'job': set the job with the job option, not as a label");
            }
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("push timeout: must be positive");
        }

        if (MaxRetries < 0)
        {
            errors.Add("push retries: must not be negative");
        }

        return errors;
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelNameRegex();
}
