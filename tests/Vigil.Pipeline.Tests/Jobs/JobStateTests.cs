using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Pipeline.Tests.Jobs;

public sealed class JobStateTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly Labels Node = Labels.From(new Label("instance", "a"));
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RestoreState_AfterRestart_CatchesUpWithoutWarmupAndScoresAsIfNeverStopped()
    {
        var (original, _, clock, originalStore) = CreateSut();
        await original.RunCycleAsync(CancellationToken.None);
        clock.Advance(Step * 5);
        await original.RunCycleAsync(CancellationToken.None);
        using var snapshot = new MemoryStream();
        original.SaveState(snapshot);

        var (restarted, restartedInput, restartedClock, restartedStore) = CreateSut(clock.GetUtcNow());
        snapshot.Position = 0;
        var (restored, skipped) = restarted.RestoreState(snapshot);
        clock.Advance(Step * 3);
        restartedClock.Advance(Step * 3);
        await original.RunCycleAsync(CancellationToken.None);
        await restarted.RunCycleAsync(CancellationToken.None);

        Assert.Equal((1, 0), (restored, skipped));
        var request = Assert.Single(restartedInput.Requests); // no history query: the state came from the snapshot
        Assert.Equal(Start + (Step * 6), request.Start);
        Assert.True(restartedStore.Entries.Single().TryRead(out var afterRestart));
        Assert.True(originalStore.Entries.Single().TryRead(out var neverStopped));
        Assert.Equal(neverStopped, afterRestart);
    }

    [Fact]
    public async Task RestoreState_DetectorChanged_RestoresNothingAndWarmsUpAgain()
    {
        var (original, _, clock, _) = CreateSut();
        await original.RunCycleAsync(CancellationToken.None);
        using var snapshot = new MemoryStream();
        original.SaveState(snapshot);

        var (changed, input, _, _) = CreateSut(clock.GetUtcNow(), window: "40");
        snapshot.Position = 0;
        var result = changed.RestoreState(snapshot);
        await changed.RunCycleAsync(CancellationToken.None);

        Assert.Equal((0, 0), result);
        Assert.Equal(Start - (Step * 40), input.Requests[0].Start);
    }

    [Fact]
    public async Task Store_SaveThenRestore_RoundTripsThroughAFile()
    {
        var metrics = new VigilMetrics(new MetricRegistry());
        var store = new JobStateStore(new StateSnapshotOptions { Directory = _temp.Path, Interval = TimeSpan.FromMinutes(5) }, metrics, NullLogger<JobStateStore>.Instance);
        var (original, _, clock, _) = CreateSut();
        await original.RunCycleAsync(CancellationToken.None);

        store.Save(original);
        var (restarted, input, _, _) = CreateSut(clock.GetUtcNow() + Step);
        store.Restore(restarted);
        await restarted.RunCycleAsync(CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(_temp.Path, "cpu.state")));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "cpu.state.tmp")));
        Assert.Equal(Start + Step, Assert.Single(input.Requests).Start);
        Assert.Equal(0, metrics.Errors.WithLabels(JobStateStore.ErrorType).Value);
    }

    [Fact]
    public void Store_CorruptFile_IsCountedAndIgnored()
    {
        var metrics = new VigilMetrics(new MetricRegistry());
        var store = new JobStateStore(new StateSnapshotOptions { Directory = _temp.Path, Interval = TimeSpan.FromMinutes(5) }, metrics, NullLogger<JobStateStore>.Instance);
        File.WriteAllBytes(Path.Combine(_temp.Path, "cpu.state"), [1, 2, 3, 4, 5]);
        var (runner, _, _, _) = CreateSut();

        store.Restore(runner);

        Assert.Equal(1, metrics.Errors.WithLabels(JobStateStore.ErrorType).Value);
        Assert.Equal(0, runner.SeriesCount);
    }

    private static (JobRunner Runner, FakeInput Input, FakeTimeProvider Clock, ScoreStore Store) CreateSut(DateTimeOffset? now = null, string window = "20")
    {
        var clock = new FakeTimeProvider(now ?? Start);
        var input = new FakeInput();
        input.Set(Node, t => 50 + (5 * Math.Sin(t.ToUnixTimeSeconds() / 300.0)) + ((t.ToUnixTimeSeconds() / 60 % 7) * 0.3));
        var store = new ScoreStore();
        var metrics = new VigilMetrics(new MetricRegistry());
        var spec = new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = window });
        var job = new JobOptions { Name = "cpu", Query = "up", Interval = Step, Detector = spec };
        var runner = new JobRunner(job, input, DetectorRegistry.CreateDefault().Create(spec), store, metrics, clock, clock, TimeSpan.FromHours(1), NullLogger.Instance);
        return (runner, input, clock, store);
    }
}
