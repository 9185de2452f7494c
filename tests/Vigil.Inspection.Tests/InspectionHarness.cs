using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Alerting;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.EventStore;
using Vigil.Exposition;
using Vigil.Inspection.Sensors;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Tests;

/// <summary>An inspector over hand-written sensors and a real SQLite event store in a temp directory, on a fake clock.</summary>
internal sealed class InspectionHarness(
    ServiceProvider provider,
    TempDirectory directory,
    Inspector inspector,
    IEventStore store,
    VigilMetrics metrics,
    InspectionMetrics inspectionMetrics,
    FakeTimeProvider time) : IAsyncDisposable
{
    public Inspector Inspector { get; } = inspector;

    public IEventStore Store { get; } = store;

    public VigilMetrics Metrics { get; } = metrics;

    public InspectionMetrics InspectionMetrics { get; } = inspectionMetrics;

    public FakeTimeProvider Time { get; } = time;

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static async Task<InspectionHarness> CreateAsync(IEnumerable<IInspectionSensor> sensors, IAlertPublisher publisher, InspectionOptions? options = null, BaselineRetrainer? retrainer = null, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(Start);
        var directory = new TempDirectory("vigil-inspection-");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddEventStore(new EventStoreOptions { SqlitePath = directory.File("events.db") });
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IEventStore>();
        await store.MigrateAsync(CancellationToken.None);
        var registry = new MetricRegistry();
        var metrics = new VigilMetrics(registry);
        var inspectionMetrics = new InspectionMetrics(registry);
        var inspector = new Inspector(sensors, publisher, store, options ?? Options(), inspectionMetrics, metrics, new InspectionClocks(time, time), NullLogger<Inspector>.Instance, retrainer);
        return new InspectionHarness(provider, directory, inspector, store, metrics, inspectionMetrics, time);
    }

    public static InspectionOptions Options(bool shadow = true, params MonitoredMetric[] metrics) => new()
    {
        ShadowMode = shadow,
        Monitored = metrics.Length > 0 ? metrics : [Metric()],
    };

    public static MonitoredMetric Metric(string name = "errors", string promql = "error_rate", double threshold = 100, ThresholdDirection? direction = null)
        => new() { Name = name, Promql = promql, Threshold = threshold, Direction = direction };

    public static Finding Finding(string sensor = "fake", string instance = "a") => new()
    {
        Sensor = sensor,
        AlertName = "VigilTestFinding",
        Subject = "errors",
        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["instance"] = instance, ["metric"] = "errors" },
        Severity = AlertSeverity.Warning,
        Summary = "something",
        Description = "something happened",
        Value = 1,
    };

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        directory.Dispose();
    }
}

/// <summary>A sensor whose behaviour the test decides.</summary>
internal sealed class FakeSensor(string name, Func<InspectionContext, CancellationToken, Task<SensorResult>> inspect, TimeSpan? timeout = null) : IInspectionSensor
{
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    public int Calls;

    public string Name => name;

    public bool Enabled { get; init; } = true;

    public TimeSpan Timeout => timeout ?? TimeSpan.FromSeconds(30);

    public Task<SensorResult> InspectAsync(InspectionContext context, CancellationToken cancellationToken)
    {
        var calls = Interlocked.Increment(ref Calls);
        lock (_waiters)
        {
            foreach (var (count, signal) in _waiters.Where(w => w.Count <= calls))
            {
                signal.TrySetResult();
            }
        }

        return inspect(context, cancellationToken);
    }

    /// <summary>Completes once the sensor has been called <paramref name="count"/> times: tests wait on this signal, never on time.</summary>
    public Task Called(int count)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (Volatile.Read(ref Calls) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, signal));
        }

        // Bounds a broken build only; the signal normally arrives at once.
        return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static FakeSensor Finding(string name, int findings = 1)
        => new(name, (_, _) => Task.FromResult(new SensorResult([.. Enumerable.Range(0, findings).Select(i => InspectionHarness.Finding(name, "i" + i))], findings, [])));
}

/// <summary>Records every alert and answers as a publisher would (shadow, or sent).</summary>
internal sealed class RecordingPublisher : IAlertPublisher
{
    public List<AlertEvent> Published { get; } = [];

    public ValueTask<AlertPublishOutcome> PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        lock (Published)
        {
            Published.Add(alert);
        }

        return ValueTask.FromResult(alert.Shadow ? AlertPublishOutcome.Shadow : AlertPublishOutcome.Sent);
    }

    public ValueTask ResolveAsync(string dedupKey, DateTimeOffset resolvedAt, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>A metric source answering from a function of (query, start, end, step); counts calls.</summary>
internal sealed class FakeSource(Func<string, DateTimeOffset, DateTimeOffset, TimeSpan, CancellationToken, Task<SeriesBatch>> query) : IMetricSource
{
    public int Calls;

    public Task<SeriesBatch> QueryRangeAsync(string query1, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        return query(query1, start, end, step, cancellationToken);
    }

    /// <summary>Series by name, each a function of time (ms) sampled at the step over [start, end].</summary>
    public static FakeSource Of(params (string Instance, Func<long, double> Value)[] series)
        => new((_, start, end, step, _) => Task.FromResult(Sample(start, end, step, series)));

    public static SeriesBatch Sample(DateTimeOffset start, DateTimeOffset end, TimeSpan step, params (string Instance, Func<long, double> Value)[] series)
    {
        var builder = new SeriesBatch.Builder();
        foreach (var (instance, value) in series)
        {
            builder.BeginSeries(Labels.From(new Label("__name__", "error_rate"), new Label("instance", instance)));
            for (var t = start; t <= end; t += step)
            {
                builder.Add(t.ToUnixTimeMilliseconds(), value(t.ToUnixTimeMilliseconds()));
            }
        }

        return builder.Build();
    }
}
