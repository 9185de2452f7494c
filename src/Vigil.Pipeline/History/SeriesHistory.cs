using Vigil.Core.Series;

namespace Vigil.Pipeline.History;

/// <summary>One series' recent history as it travels through a job-state snapshot: its exported labels and points, oldest first.</summary>
public sealed record SeriesHistory(Labels Labels, HistoryPoint[] Points);
