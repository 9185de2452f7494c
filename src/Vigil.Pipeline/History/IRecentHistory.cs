using Vigil.Core.Series;

namespace Vigil.Pipeline.History;

/// <summary>Recent verdicts per series, for charts and the UI (read side of <see cref="RecentHistory"/>).</summary>
public interface IRecentHistory
{
    /// <summary>
    /// The points of series <paramref name="labels"/> (as exported, without <c>job</c>) of <paramref name="source"/>
    /// with <paramref name="fromMs"/> ≤ timestamp ≤ <paramref name="toMs"/>, oldest first; empty for an unknown series.
    /// </summary>
    IReadOnlyList<HistoryPoint> Query(string source, Labels labels, long fromMs, long toMs);

    /// <summary>The series of <paramref name="source"/> that have history.</summary>
    IReadOnlyList<Labels> Series(string source);
}
