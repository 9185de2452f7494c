namespace Vigil.Pipeline.Replay;

/// <summary>
/// Virtual time for the replay: starts at a fixed instant and runs <c>speed</c> times faster than the real clock,
/// timers included, so the unchanged scheduler and pipeline run an hour of data in a minute.
/// Timestamps (<see cref="GetTimestamp"/>) stay real, so latency metrics measure real work.
/// </summary>
public sealed class AcceleratedTimeProvider : TimeProvider
{
    private readonly TimeProvider _real;
    private readonly DateTimeOffset _virtualStart;
    private readonly DateTimeOffset _realStart;
    private readonly double _speed;

    public AcceleratedTimeProvider(TimeProvider real, DateTimeOffset virtualStart, double speed)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _real = real;
        _virtualStart = virtualStart;
        _realStart = real.GetUtcNow();
        _speed = speed;
    }

    public double Speed => _speed;

    public override DateTimeOffset GetUtcNow() => _virtualStart + ((_real.GetUtcNow() - _realStart) * _speed);

    public override long GetTimestamp() => _real.GetTimestamp();

    public override long TimestampFrequency => _real.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => _real.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan virtualSpan)
        => virtualSpan == Timeout.InfiniteTimeSpan || virtualSpan <= TimeSpan.Zero ? virtualSpan : virtualSpan / _speed;
}
