using Microsoft.Extensions.Time.Testing;

namespace Vigil.Testing.Time;

/// <summary>
/// A <see cref="FakeTimeProvider"/> for code that waits on its own (retry back-off): every timer due within
/// <see cref="FireLimit"/> is recorded and fired by moving the clock forward by its due time; longer timers
/// (per-attempt time-outs) stay pending unless the test advances the clock. Tests see the delays the code asked for
/// without waiting for them.
/// </summary>
public sealed class DelayRecordingTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];

    public DelayRecordingTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public TimeSpan FireLimit { get; init; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan && dueTime <= FireLimit)
        {
            lock (_gate)
            {
                _delays.Add(dueTime);
            }

            // Advance asynchronously, as a real timer fires: the caller (Task.Delay) has not stored its timer yet.
            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        }

        return timer;
    }
}
