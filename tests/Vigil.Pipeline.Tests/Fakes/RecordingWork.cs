using System.Threading.Channels;
using Vigil.Pipeline.Scheduling;

namespace Vigil.Pipeline.Tests.Fakes;

/// <summary>
/// Scheduled work that records the clock at each run and signals it on a channel, so a test waits for runs
/// (never sleeps); a run can be held open until the test releases it, or made to throw.
/// </summary>
internal sealed class RecordingWork(string name, TimeSpan interval, TimeProvider clock) : IScheduledWork
{
    private readonly Channel<DateTimeOffset> _runs = Channel.CreateUnbounded<DateTimeOffset>();

    public string Name => name;

    public TimeSpan Interval => interval;

    /// <summary>When set, the next run waits for it (or for cancellation) before returning.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public Exception? ThrowNext { get; set; }

    public CancellationToken LastToken { get; private set; }

    public int Stops { get; private set; }

    public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LastToken = cancellationToken;
        await _runs.Writer.WriteAsync(clock.GetUtcNow(), CancellationToken.None);
        if (ThrowNext is { } failure)
        {
            ThrowNext = null;
            throw failure;
        }

        if (Hold is { } hold)
        {
            Hold = null;
            await hold.Task.WaitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stops++;
        Stopped.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>The clock time of the next run; fails after a real-time safety bound so a broken scheduler cannot hang the suite.</summary>
    public async Task<DateTimeOffset> NextRunAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _runs.Reader.ReadAsync(bound.Token);
    }

    public bool TryTakeRun(out DateTimeOffset at) => _runs.Reader.TryRead(out at);
}
