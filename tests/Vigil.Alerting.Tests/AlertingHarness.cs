using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.EventStore;
using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Alerting.Tests;

/// <summary>A receiver that records what it got and fails while <see cref="Failing"/> is set.</summary>
internal sealed class RecordingReceiver(string name, bool resendsActive = true) : IAlertReceiver
{
    public string Name { get; } = name;

    public bool ResendsActive { get; } = resendsActive;

    public bool Failing { get; set; }

    public List<IReadOnlyList<(OutboxRecord Alert, DateTimeOffset EndsAt)>> Batches { get; } = [];

    public Task SendAsync(IReadOnlyList<(OutboxRecord Alert, DateTimeOffset EndsAt)> alerts, CancellationToken cancellationToken)
    {
        if (Failing)
        {
            throw new HttpRequestException("receiver down");
        }

        Batches.Add(alerts);
        return Task.CompletedTask;
    }
}

internal sealed class ThrowingDedupStore : IDedupStore
{
    public string Backend => "broken";

    public Task<bool> TryClaimAsync(string key, TimeSpan window, CancellationToken cancellationToken) => throw new InvalidOperationException("dedup down");
}

/// <summary>One Vigil instance's alerting: its own event store handle (SQLite file or PostgreSQL database) and notifier.</summary>
internal sealed class AlertingHarness(
    ServiceProvider provider,
    NpgsqlDataSource? dataSource,
    IEventStore store,
    AlertNotifier notifier,
    VigilMetrics metrics,
    AlertingMetrics alertMetrics) : IAsyncDisposable
{
    public IEventStore Store { get; } = store;

    public AlertNotifier Notifier { get; } = notifier;

    public VigilMetrics Metrics { get; } = metrics;

    public AlertingMetrics AlertMetrics { get; } = alertMetrics;

    /// <param name="storeOptions">SQLite file or PostgreSQL (then <paramref name="postgres"/> is the connection string).</param>
    public static async Task<AlertingHarness> CreateAsync(
        AlertingOptions options,
        TimeProvider time,
        IEnumerable<IAlertReceiver> receivers,
        string? sqlitePath = null,
        string? postgres = null,
        Func<IEventStore, IDedupStore>? dedup = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        NpgsqlDataSource? dataSource = null;
        if (postgres is not null)
        {
            dataSource = NpgsqlDataSource.Create(postgres);
            services.AddSingleton(dataSource);
            services.AddEventStore(new EventStoreOptions { Backend = EventStoreBackend.Postgres });
        }
        else
        {
            services.AddEventStore(new EventStoreOptions { SqlitePath = sqlitePath ?? throw new ArgumentNullException(nameof(sqlitePath)) });
        }

        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IEventStore>();
        await store.MigrateAsync(CancellationToken.None);
        var registry = new MetricRegistry();
        var metrics = new VigilMetrics(registry);
        var alertMetrics = new AlertingMetrics(registry);
        var dedupStore = dedup?.Invoke(store) ?? new EventStoreDedupStore(store);
        var notifier = new AlertNotifier(
            options,
            store,
            new AlertDeduplicator(dedupStore, metrics, NullLogger<AlertDeduplicator>.Instance),
            receivers,
            alertMetrics,
            metrics,
            time,
            NullLogger<AlertNotifier>.Instance);
        return new AlertingHarness(provider, dataSource, store, notifier, metrics, alertMetrics);
    }

    public double ErrorCount(string type) => Metrics.Errors.WithLabels(type).Value;

    public static AlertEvent Alert(string instance = "a:9100", DateTimeOffset? startsAt = null) => new()
    {
        Source = "inspection",
        Sensor = "baseline",
        Name = "VigilBaselineDeviation",
        Severity = AlertSeverity.Critical,
        Labels = new Dictionary<string, string> { ["job"] = "node", ["metric"] = "cpu", ["instance"] = instance },
        Summary = "cpu far above baseline",
        Description = "current 0.97, expected 0.40, 6.1σ",
        Value = 0.97,
        StartsAt = startsAt ?? DateTimeOffset.UnixEpoch.AddDays(20000),
        GeneratorPath = "series?job=node",
    };

    public async ValueTask DisposeAsync()
    {
        Notifier.Dispose();
        await provider.DisposeAsync();
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
    }
}
