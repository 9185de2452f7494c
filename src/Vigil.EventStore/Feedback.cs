using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.EventStore;

/// <summary>
/// The series a piece of feedback is about: one exact series of a job, or a selector over a job's series. A selector
/// holds equality matchers only (<c>{instance="a"}</c>); as in PromQL, a matcher with an empty value matches series
/// without that label.
/// </summary>
public sealed record FeedbackTarget
{
    private FeedbackTarget(string job, Labels labels, bool isSelector)
    {
        Job = job;
        Labels = labels;
        IsSelector = isSelector;
    }

    public string Job { get; }

    /// <summary>The series' labels, or the selector's matchers.</summary>
    public Labels Labels { get; }

    public bool IsSelector { get; }

    public static FeedbackTarget Series(string job, Labels series) => new(job, series ?? throw new ArgumentNullException(nameof(series)), isSelector: false);

    public static FeedbackTarget Selector(string job, Labels matchers) => new(job, matchers ?? throw new ArgumentNullException(nameof(matchers)), isSelector: true);

    /// <summary>True when feedback with this target applies to <paramref name="series"/> of <see cref="Job"/>.</summary>
    public bool Matches(Labels series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (!IsSelector)
        {
            return Labels.Equals(series);
        }

        foreach (var matcher in Labels)
        {
            if (!string.Equals(series.Get(matcher.Name) ?? string.Empty, matcher.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What an operator said about a time range of one series or of the series a selector matches.</summary>
public sealed record OperatorFeedback
{
    /// <summary>Assigned by the store; ignored when adding.</summary>
    public long Id { get; init; }

    public required FeedbackTarget Target { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    public required FeedbackKind Kind { get; init; }

    public required string Author { get; init; }

    public string? Comment { get; init; }

    /// <summary>Set by the store (its clock) when added; ignored when adding.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
