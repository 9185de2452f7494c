namespace Vigil.Prometheus.Tests.TestSupport;

/// <summary>
/// A fake clock for retry tests: timers up to <see cref="FireLimit"/> (retry delays) fire at once and move the clock
/// forward, and are recorded; longer timers (the per-attempt time-out) never fire. Tests see the delays the
/// client asked for without waiting for them.
/// </summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _delays = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

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

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan || dueTime > FireLimit)
        {
            return new NeverTimer();
        }

        lock (_gate)
        {
            _delays.Add(dueTime);
            _now += dueTime;
        }

        // Fire asynchronously, as a real timer would: the caller has not finished setting up yet.
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NeverTimer();
    }

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
