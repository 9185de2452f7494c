using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.History;
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

    [Fact]
    public async Task RestoreState_WithHistory_RestartKeepsTheChartHistory()
    {
        var history = new RecentHistory(new RecentHistoryOptions());
        var (original, _, clock) = CreateSutWithHistory(history);
        await original.RunCycleAsync(CancellationToken.None);
        clock.Advance(Step * 5);
        await original.RunCycleAsync(CancellationToken.None);
        var before = history.Query("cpu", Node, long.MinValue, long.MaxValue);
        using var snapshot = new MemoryStream();
        original.SaveState(snapshot, history);

        var restartedHistory = new RecentHistory(new RecentHistoryOptions());
        var (restarted, _, _) = CreateSutWithHistory(restartedHistory, clock.GetUtcNow());
        snapshot.Position = 0;
        var counts = restarted.RestoreState(snapshot, restartedHistory);

        Assert.Equal((1, 0), counts);
        Assert.Equal(6, before.Count); // the first cycle's scored point and the five caught up
        Assert.Equal(before, restartedHistory.Query("cpu", Node, long.MinValue, long.MaxValue));
        Assert.Equal([Node], restartedHistory.Series("cpu"));
    }

    [Fact]
    public async Task RestoreState_HistoryThenNewCycles_AppendsAfterTheRestoredPoints()
    {
        var history = new RecentHistory(new RecentHistoryOptions());
        var (original, _, clock) = CreateSutWithHistory(history);
        await original.RunCycleAsync(CancellationToken.None);
        using var snapshot = new MemoryStream();
        original.SaveState(snapshot, history);

        var restartedHistory = new RecentHistory(new RecentHistoryOptions());
        var (restarted, _, restartedClock) = CreateSutWithHistory(restartedHistory, clock.GetUtcNow());
        snapshot.Position = 0;
        restarted.RestoreState(snapshot, restartedHistory);
        restartedClock.Advance(Step * 2);
        await restarted.RunCycleAsync(CancellationToken.None);

        var points = restartedHistory.Query("cpu", Node, long.MinValue, long.MaxValue);
        Assert.Equal([Start, Start + Step, Start + (Step * 2)], points.Select(p => DateTimeOffset.FromUnixTimeMilliseconds(p.TimestampMs)));
    }

    [Fact]
    public async Task RestoreState_DetectorChanged_RestoresNoHistory()
    {
        var history = new RecentHistory(new RecentHistoryOptions());
        var (original, _, clock) = CreateSutWithHistory(history);
        await original.RunCycleAsync(CancellationToken.None);
        using var snapshot = new MemoryStream();
        original.SaveState(snapshot, history);

        var restartedHistory = new RecentHistory(new RecentHistoryOptions());
        var (changed, _, _) = CreateSutWithHistory(restartedHistory, clock.GetUtcNow(), window: "40");
        snapshot.Position = 0;
        changed.RestoreState(snapshot, restartedHistory);

        // The series' detector state was discarded, so it is no longer tracked: its history would never be dropped.
        Assert.Empty(restartedHistory.Series("cpu"));
    }

    [Fact]
    public async Task RestoreState_Version1File_RestoresDetectorsWithoutHistory()
    {
        var (original, _, clock, originalStore) = CreateSut();
        await original.RunCycleAsync(CancellationToken.None);
        using var v2 = new MemoryStream();
        original.SaveState(v2); // no history: an empty history section
        var bytes = v2.ToArray();
        // Version 1 was "VGJ1", the end ticks, then the detector snapshot: version 2 without its history count.
        var v1 = "VGJ1"u8.ToArray().Concat(bytes[4..12]).Concat(bytes[16..]).ToArray();

        var history = new RecentHistory(new RecentHistoryOptions());
        var (restarted, input, _) = CreateSutWithHistory(history, clock.GetUtcNow() + Step);
        var counts = restarted.RestoreState(new MemoryStream(v1), history);
        await restarted.RunCycleAsync(CancellationToken.None);

        Assert.Equal(0, BitConverter.ToInt32(bytes, 12));
        Assert.Equal((1, 0), counts);
        Assert.Equal(Start + Step, Assert.Single(input.Requests).Start); // caught up, not warmed up
        Assert.Single(history.Query("cpu", Node, long.MinValue, long.MaxValue)); // only the point scored since
    }

    [Theory]
    [InlineData("VGJ3", "format VGJ3")]
    [InlineData("XXXX", "an unknown header")]
    public void RestoreState_UnknownVersion_IsRefusedNamingIt(string magic, string message)
    {
        var (runner, _, _, _) = CreateSut();
        var bytes = System.Text.Encoding.ASCII.GetBytes(magic).Concat(new byte[64]).ToArray();

        var ex = Assert.Throws<InvalidDataException>(() => runner.RestoreState(new MemoryStream(bytes)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("reads VGJ1 and VGJ2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreState_TruncatedHistory_IsInvalidData()
    {
        var history = new RecentHistory(new RecentHistoryOptions());
        var (original, _, clock) = CreateSutWithHistory(history);
        await original.RunCycleAsync(CancellationToken.None);
        using var snapshot = new MemoryStream();
        original.SaveState(snapshot, history);
        var truncated = snapshot.ToArray()[..40];

        var (restarted, _, _) = CreateSutWithHistory(new RecentHistory(new RecentHistoryOptions()), clock.GetUtcNow());

        Assert.Throws<InvalidDataException>(() => restarted.RestoreState(new MemoryStream(truncated)));
    }

    [Fact]
    public void Store_NewerVersionFile_IsCountedAndTheJobWarmsUp()
    {
        var metrics = new VigilMetrics(new MetricRegistry());
        var store = new JobStateStore(new StateSnapshotOptions { Directory = _temp.Path, Interval = TimeSpan.FromMinutes(5) }, metrics, NullLogger<JobStateStore>.Instance, new RecentHistory(new RecentHistoryOptions()));
        File.WriteAllBytes(Path.Combine(_temp.Path, "cpu.state"), [.. "VGJ9"u8, .. new byte[32]]);
        var (runner, _, _, _) = CreateSut();

        store.Restore(runner);

        Assert.Equal(1, metrics.Errors.WithLabels(JobStateStore.ErrorType).Value);
        Assert.Equal(0, runner.SeriesCount);
    }

    [Fact]
    public async Task Store_WithHistory_RoundTripsTheHistoryThroughAFile()
    {
        var metrics = new VigilMetrics(new MetricRegistry());
        var options = new StateSnapshotOptions { Directory = _temp.Path, Interval = TimeSpan.FromMinutes(5) };
        var history = new RecentHistory(new RecentHistoryOptions());
        var (original, _, clock) = CreateSutWithHistory(history);
        await original.RunCycleAsync(CancellationToken.None);
        new JobStateStore(options, metrics, NullLogger<JobStateStore>.Instance, history).Save(original);

        var restartedHistory = new RecentHistory(new RecentHistoryOptions());
        var (restarted, _, _) = CreateSutWithHistory(restartedHistory, clock.GetUtcNow());
        new JobStateStore(options, metrics, NullLogger<JobStateStore>.Instance, restartedHistory).Restore(restarted);

        Assert.Equal(history.Query("cpu", Node, long.MinValue, long.MaxValue), restartedHistory.Query("cpu", Node, long.MinValue, long.MaxValue));
        Assert.Equal(0, metrics.Errors.WithLabels(JobStateStore.ErrorType).Value);
    }

    private static (JobRunner Runner, FakeInput Input, FakeTimeProvider Clock) CreateSutWithHistory(RecentHistory history, DateTimeOffset? now = null, string window = "20")
    {
        var clock = new FakeTimeProvider(now ?? Start);
        var input = new FakeInput();
        input.Set(Node, t => 50 + (5 * Math.Sin(t.ToUnixTimeSeconds() / 300.0)));
        var metrics = new VigilMetrics(new MetricRegistry());
        var spec = new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = window });
        var job = new JobOptions { Name = "cpu", Query = "up", Interval = Step, Detector = spec };
        var runner = new JobRunner(job, input, DetectorRegistry.CreateDefault().Create(spec), history, metrics, clock, clock, TimeSpan.FromHours(1), NullLogger.Instance);
        return (runner, input, clock);
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
