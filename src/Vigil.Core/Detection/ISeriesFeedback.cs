namespace Vigil.Core.Detection;

/// <summary>What an operator said about a stretch of one series.</summary>
public enum FeedbackKind : byte
{
    /// <summary>The anomaly is real. Nothing in the detector changes; the label is kept for reports and benchmarks.</summary>
    Confirmed = 0,

    /// <summary>The points of the range are normal: learn them, and do not alert again on the episode they belong to.</summary>
    NotAnomaly = 1,

    /// <summary>The series changed for good at the start of the range: rebaseline from there instead of waiting for <c>adapt_after</c>.</summary>
    NewNormal = 2,
}

/// <summary>
/// A series detector that can take operator feedback. Implemented by every univariate detector; the pipeline calls it
/// when feedback arrives through <c>POST /api/v1/feedback</c> or <c>vigil feedback</c>, and again after a restart
/// (feedback is persisted and re-applied to restored state is idempotent). Ranges are in the series' own timestamps;
/// a detector only acts on the part of the range it still holds in its bounded recent memory.
/// </summary>
public interface ISeriesFeedback
{
    /// <summary>Applies feedback for [<paramref name="fromMs"/>, <paramref name="toMs"/>]. Returns false when the detector held nothing of the range.</summary>
    bool ApplyFeedback(FeedbackKind kind, long fromMs, long toMs);
}
