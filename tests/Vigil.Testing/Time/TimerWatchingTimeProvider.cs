using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Vigil.Testing.Time;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that lets a test wait until the code under test has armed its timer before moving
/// the clock. Code that reads the time and then waits (<c>Task.Delay(next - now, clock)</c>) has a window between the
/// two calls: a test that advances the clock inside it makes the timer start from the new time, so it fires one
/// interval late and the test waits for a run that never comes. Waiting for the timer closes that window.
/// </summary>
public sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>
    /// Waits until a timer due in exactly <paramref name="dueTime"/> has been created (since the last such wait; timers
    /// with other due times are passed over). Fails after 30 s of real time so a broken caller cannot hang the suite.
    /// </summary>
    public async Task TimerArmedAsync(TimeSpan dueTime)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await _armed.Reader.ReadAsync(bound.Token) != dueTime)
        {
        }
    }
}
