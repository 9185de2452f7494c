using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.Pipeline.Jobs;

/// <summary>
/// Operator feedback for the series of one job that <see cref="Matches"/> selects (by the series' own labels, before
/// any <c>model</c> label), over [<see cref="FromMs"/>, <see cref="ToMs"/>] in the series' timestamps.
/// </summary>
public sealed record SeriesFeedbackRequest(Func<Labels, bool> Matches, FeedbackKind Kind, long FromMs, long ToMs);
