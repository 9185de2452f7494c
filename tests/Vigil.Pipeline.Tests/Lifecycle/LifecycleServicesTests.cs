using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Exposition;
using Vigil.Models.Files;
using Vigil.Models.Lifecycle;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Testing.Time;

namespace Vigil.Pipeline.Tests.Lifecycle;

/// <summary>
/// <see cref="ModelLifecycleService"/> and <see cref="ModelReloadService"/> under the real scheduler on a fake clock:
/// each tick is awaited as a signal; time only moves when the test advances it.
/// </summary>
public sealed class LifecycleServicesTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();
    private readonly TimerWatchingTimeProvider _clock = new(Start);
    private readonly VigilMetrics _metrics = new(new MetricRegistry());
    private readonly ModelStoreProvider _provider;

    public LifecycleServicesTests()
    {
        _provider = new ModelStoreProvider(new ModelStore(new ModelStoreOptions { Directory = _temp.Path }));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ModelLifecycleService_Scheduled_TicksAtStartAndEveryTickInterval()
    {
        WriteActive(seed: 1);
        var options = new ModelLifecycleOptions { FitEvery = TimeSpan.FromDays(1), FitWindow = TimeSpan.FromHours(8), RetryAfterFailure = ModelLifecycles.TickInterval };
        var spec = new TrainingSpec { Name = "svc", Features = [new("cpu", "cpu_query"), new("latency", "latency_query")], JoinLabels = ["instance"], Step = TimeSpan.FromMinutes(1) };
        var lifecycle = new ModelLifecycle(spec, new Trainer(new FailingSource(), _provider.Store, _clock, new TrainerOptions()), _provider, options, _clock);
        var lifecycles = new ModelLifecycles(new Dictionary<string, ModelLifecycle> { ["svc"] = lifecycle }, _metrics, _clock, NullLogger<ModelLifecycles>.Instance);
        var work = new Signalling(new ModelLifecycleService(lifecycles));
        using var scheduler = Scheduler(work);

        await scheduler.StartAsync(CancellationToken.None);
        await work.NextRunAsync();
        var afterStart = _metrics.ModelTrainingFailures.WithLabels("svc").Value;
        await _clock.TimerArmedAsync(ModelLifecycles.TickInterval);
        _clock.Advance(ModelLifecycles.TickInterval);
        await work.NextRunAsync();
        var afterTick = _metrics.ModelTrainingFailures.WithLabels("svc").Value;
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal("model-lifecycle", work.Name);
        Assert.Equal((1, 2), (afterStart, afterTick)); // due at once (the active model is old), failed, retried after the interval
        Assert.Equal(2, work.Runs);
    }

    [Fact]
    public async Task ModelReloadService_ActiveFileChangedOnDisk_SwapsTheRunningModelOnTheNextCheck()
    {
        WriteActive(seed: 1);
        var handle = _provider.Get("svc");
        var before = handle.Current.Version;
        var work = new Signalling(new ModelReloadService(_provider, _metrics, NullLogger<ModelReloadService>.Instance));
        using var scheduler = Scheduler(work);
        await scheduler.StartAsync(CancellationToken.None);
        await work.NextRunAsync();

        var promoted = WriteActive(seed: 2); // `vigil models promote` from another process
        var unchangedBeforeTheCheck = handle.Current.Version;
        await _clock.TimerArmedAsync(ModelReloadService.CheckInterval);
        _clock.Advance(ModelReloadService.CheckInterval);
        await work.NextRunAsync();
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal(before, unchangedBeforeTheCheck);
        Assert.Equal(promoted, handle.Current.Version);
        Assert.Equal(0, _metrics.Errors.WithLabels(ErrorTypes.ModelLoad).Value);
    }

    [Fact]
    public async Task ModelReloadService_ActiveFileCorrupted_KeepsRunningModelAndCountsModelLoad()
    {
        WriteActive(seed: 1);
        var handle = _provider.Get("svc");
        var before = handle.Current.Version;
        var work = new Signalling(new ModelReloadService(_provider, _metrics, NullLogger<ModelReloadService>.Instance));
        using var scheduler = Scheduler(work);
        await scheduler.StartAsync(CancellationToken.None);
        await work.NextRunAsync();

        var path = _provider.Store.ActivePath("svc");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, [.. bytes, 0]);
        await _clock.TimerArmedAsync(ModelReloadService.CheckInterval);
        _clock.Advance(ModelReloadService.CheckInterval);
        await work.NextRunAsync();
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal(before, handle.Current.Version);
        Assert.Equal(1, _metrics.Errors.WithLabels(ErrorTypes.ModelLoad).Value);
    }

    private WorkScheduler Scheduler(IScheduledWork work)
        => new([work], _clock, new SchedulerOptions { ShutdownGrace = TimeSpan.FromSeconds(1) }, NullLogger<WorkScheduler>.Instance);

    private string WriteActive(int seed)
    {
        var random = new Random(seed);
        var x = new FeatureMatrix(300, 2);
        for (var r = 0; r < x.Rows; r++)
        {
            x.MutableRow(r)[0] = random.NextDouble();
            x.MutableRow(r)[1] = random.NextDouble();
        }

        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { Estimators = 10, RandomState = (ulong)seed });
        var file = ModelFileFormat.Create(
            new ModelDescription { Name = "svc", CreatedAt = Start - TimeSpan.FromDays(2) + TimeSpan.FromMinutes(seed) },
            new AnomalyModel("draft", ["cpu", "latency"], FeatureScaler.Identity(2), forest));
        _provider.Store.WriteCandidate(file);
        _provider.Store.Promote("svc");
        return file.Header.Version;
    }

    /// <summary>Runs the wrapped work, then signals: the test awaits each completed run.</summary>
    private sealed class Signalling(IScheduledWork inner) : IScheduledWork
    {
        private readonly System.Threading.Channels.Channel<int> _done = System.Threading.Channels.Channel.CreateUnbounded<int>();

        public string Name => inner.Name;

        public TimeSpan Interval => inner.Interval;

        public int Runs { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await inner.RunAsync(cancellationToken);
            await _done.Writer.WriteAsync(++Runs, CancellationToken.None);
        }

        public async Task NextRunAsync()
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _done.Reader.ReadAsync(bound.Token);
        }
    }

    private sealed class FailingSource : Core.Sources.IMetricSource
    {
        public Task<Core.Series.SeriesBatch> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
            => Task.FromException<Core.Series.SeriesBatch>(new Core.Sources.MetricSourceException("prometheus_query", "connection refused"));
    }
}
