using Vigil.Prometheus;

namespace Vigil.Pipeline.Jobs;

/// <summary>The range one cycle asks for, and whether it is the job's first.</summary>
/// <param name="Start">First step of the range.</param>
/// <param name="End">Last step of the range (now − delay, aligned down to the step): the newest point scored.</param>
/// <param name="IsFirst">No range completed yet: points before <paramref name="End"/> only warm the detectors.</param>
/// <param name="Behind">Steps the job had fallen behind when more than a query may hold (then only the newest are asked); 0 otherwise.</param>
internal readonly record struct RangePlan(DateTimeOffset Start, DateTimeOffset End, bool IsFirst, long Behind);

/// <summary>
/// Plans a job's range queries: the first one reaches back over the detector's history window; every later one
/// starts one step after the last completed range, so a late or skipped cycle catches up and a failed one
/// (not <see cref="Complete"/>d) is asked again. No range exceeds Prometheus's points-per-series limit.
/// </summary>
internal sealed class RangeCursor
{
    private readonly TimeSpan _step;
    private readonly TimeSpan _delay;
    private readonly int _historyPoints;

    public RangeCursor(TimeSpan step, TimeSpan delay, int historyPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        _step = step;
        _delay = delay;
        _historyPoints = historyPoints;
    }

    public const int MaxPoints = PrometheusLimits.MaxPointsPerSeries;

    /// <summary>End of the last completed range; null before the first.</summary>
    public DateTimeOffset? LastEnd { get; private set; }

    /// <summary>The next range at <paramref name="now"/>, or null when no new step has passed since the last one.</summary>
    public RangePlan? Next(DateTimeOffset now)
    {
        var end = AlignDown(now - _delay, _step);
        if (LastEnd is not { } lastEnd)
        {
            return new RangePlan(end - (_step * Math.Min(_historyPoints, MaxPoints - 1)), end, true, 0);
        }

        var start = lastEnd + _step;
        if (start > end)
        {
            return null;
        }

        var behind = ((end - start).Ticks / _step.Ticks) + 1;
        return behind > MaxPoints
            ? new RangePlan(end - (_step * (MaxPoints - 1)), end, false, behind)
            : new RangePlan(start, end, false, 0);
    }

    /// <summary>The range was fetched and scored: the next one starts after it.</summary>
    public void Complete(DateTimeOffset end) => LastEnd = end;

    /// <summary>Restores the position saved with the job's state.</summary>
    public void Restore(DateTimeOffset lastEnd) => LastEnd = lastEnd;

    /// <summary>The history that warms series first seen in a range starting at <paramref name="start"/>: the steps just before it.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) WarmupRange(DateTimeOffset start)
        => (start - (_step * Math.Min(_historyPoints, MaxPoints)), start - _step);

    /// <summary>Range queries evaluate at start + k·step; aligning to the step keeps timestamps identical across cycles.</summary>
    internal static DateTimeOffset AlignDown(DateTimeOffset time, TimeSpan step)
    {
        var ticks = time.UtcTicks - (time.UtcTicks % step.Ticks);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }
}
