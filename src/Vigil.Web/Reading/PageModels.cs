using Vigil.Core.Series;
using Vigil.EventStore;

namespace Vigil.Web.Reading;

public sealed record OverviewModel(IReadOnlyList<JobSummary> Jobs, Read<IReadOnlyList<AnomalyEpisode>> Episodes, TimeZoneInfo Zone);

public enum SeriesSort
{
    Score,
    Series,
}

public sealed record JobModel(
    JobSummary Job,
    IReadOnlyList<SeriesRow> Rows,
    int Total,
    string Filter,
    string? FilterError,
    SeriesSort Sort,
    bool Descending,
    TimeZoneInfo Zone);

/// <summary>What the write forms need to say about authentication.</summary>
public sealed record WriteAccess(bool NeedsToken, bool Refused);

/// <summary>A message shown after a write action (the page is reloaded after the post: post/redirect/get).</summary>
public sealed record Flash(string Kind, string Text);

public sealed record SeriesModel(
    string Job,
    Labels Series,
    SeriesRow? Latest,
    string ChartUrl,
    int ChartWidth,
    int ChartHeight,
    Read<IReadOnlyList<AnomalyEpisode>> Episodes,
    Read<IReadOnlyList<OperatorFeedback>> Feedback,
    DateTimeOffset FeedbackFrom,
    DateTimeOffset FeedbackTo,
    int PendingFeedback,
    WriteAccess Access,
    Flash? Flash,
    TimeZoneInfo Zone);

/// <summary>A page that only says something: an unknown job, bad input, a refused action.</summary>
public sealed record MessageModel(string Title, string Text, string? BackHref, string? BackText);
