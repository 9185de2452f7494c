using Microsoft.Extensions.Logging;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Testing.Time;

namespace Vigil.Pipeline.Tests.Scheduling;

/// <summary>
/// The scheduler on a fake clock: runs are awaited as signals, time moves only when the test advances it, and only
/// after the scheduler has armed its wait (otherwise the wait would start from the advanced time).
/// </summary>
public sealed class WorkSchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly TimerWatchingTimeProvider _clock = new(Start);
    private readonly ListLogger<WorkScheduler> _logger = new();

    [Fact]
    public async Task Start_RunsAtOnceThenOnEveryInterval_NeverEarly()
    {
        var work = new RecordingWork("cpu", Interval, _clock);
        using var sut = CreateSut(work);

        await sut.StartAsync(CancellationToken.None);
        var first = await work.NextRunAsync();
        await _clock.TimerArmedAsync(Interval);
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = await work.NextRunAsync();
        await _clock.TimerArmedAsync(Interval);
        _clock.Advance(Interval);
        var third = await work.NextRunAsync();
        await sut.StopAsync(CancellationToken.None);

        Assert.Equal([Start, Start + Interval, Start + (Interval * 2)], [first, second, third]);
    }

    [Fact]
    public async Task Run_OverrunsItsInterval_MissedTicksSkippedAndLoggedNeverOverlapping()
    {
        var work = new RecordingWork("cpu", Interval, _clock) { Hold = new TaskCompletionSource() };
        var hold = work.Hold;
        using var sut = CreateSut(work);
        await sut.StartAsync(CancellationToken.None);
        await work.NextRunAsync();

        _clock.Advance(Interval * 2.5); // the run takes two and a half intervals
        var overlapped = work.TryTakeRun(out _);
        hold.SetResult();
        await _clock.TimerArmedAsync(Interval * 0.5);
        _clock.Advance(Interval * 0.5);
        var next = await work.NextRunAsync();
        await sut.StopAsync(CancellationToken.None);

        Assert.False(overlapped);
        Assert.Equal(Start + (Interval * 3), next); // the ticks at +1 and +2 were skipped, not queued
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("2 tick(s) skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Throws_IsLoggedAndTheNextTickRuns()
    {
        var work = new RecordingWork("flaky", Interval, _clock) { ThrowNext = new InvalidOperationException("boom") };
        using var sut = CreateSut(work);

        await sut.StartAsync(CancellationToken.None);
        await work.NextRunAsync();
        await _clock.TimerArmedAsync(Interval);
        _clock.Advance(Interval);
        var next = await work.NextRunAsync();
        await sut.StopAsync(CancellationToken.None);

        Assert.Equal(Start + Interval, next);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Stop_WhileRunning_GivesTheGracePeriodThenCancelsAndStopsTheWork()
    {
        var work = new RecordingWork("slow", Interval, _clock) { Hold = new TaskCompletionSource() };
        using var sut = CreateSut(work);
        await sut.StartAsync(CancellationToken.None);
        await work.NextRunAsync();

        var stopping = sut.StopAsync(CancellationToken.None);
        _clock.Advance(Grace - TimeSpan.FromSeconds(1));
        var cancelledEarly = work.LastToken.IsCancellationRequested;
        _clock.Advance(TimeSpan.FromSeconds(1));
        await work.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(cancelledEarly);
        Assert.True(work.LastToken.IsCancellationRequested);
        Assert.Equal(1, work.Stops);
    }

    [Fact]
    public async Task Stop_BetweenRuns_StopsEveryWorkOnceWithoutAnotherRun()
    {
        var fast = new RecordingWork("fast", Interval, _clock);
        var slow = new RecordingWork("slow", Interval * 10, _clock);
        using var sut = CreateSut(fast, slow);
        await sut.StartAsync(CancellationToken.None);
        await fast.NextRunAsync();
        await slow.NextRunAsync();

        await sut.StopAsync(CancellationToken.None);
        await Task.WhenAll(fast.Stopped.Task, slow.Stopped.Task).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((1, 1), (fast.Stops, slow.Stops));
        Assert.False(fast.TryTakeRun(out _));
    }

    private WorkScheduler CreateSut(params IScheduledWork[] work)
        => new(work, _clock, new SchedulerOptions { ShutdownGrace = Grace }, _logger);
}
