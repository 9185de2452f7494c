using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Testing;
using Vigil.Testing.Servers;

namespace Vigil.EventStore.Benchmarks;

/// <summary>
/// One write per invocation, sequential, on each back end: episode inserts (an onset), episode updates (the same
/// identity again: a peak moving or the close), dedup claims that win (a new key) and claims that lose (a live key).
/// The reciprocal of the mean is the write rate of one writer. PostgreSQL runs on loopback with fsync=off (the test
/// fixture's settings), so its figures are an upper bound for a networked, durable server.
/// </summary>
[MemoryDiagnoser]
public class EventStoreWriteBenchmarks
{
    private static readonly Labels Series = Labels.From(new Label("instance", "a"), new Label("service", "checkout"));
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private PostgresServer? _postgres;
    private TempDirectory? _temp;
    private ServiceProvider? _provider;
    private IEventStore _store = null!;
    private long _n;

    [Params(EventStoreBackend.Sqlite, EventStoreBackend.Postgres)]
    public EventStoreBackend Backend { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection().AddLogging();
        EventStoreOptions options;
        if (Backend == EventStoreBackend.Postgres)
        {
            _postgres = new PostgresServer();
            await _postgres.InitializeAsync();
            services.AddSingleton(NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync()));
            options = new EventStoreOptions { Backend = EventStoreBackend.Postgres, MigrateOnStartup = false };
        }
        else
        {
            _temp = new TempDirectory("vigil-bench-");
            options = EventStoreOptions.ForStateDirectory(_temp.Path) with { MigrateOnStartup = false };
        }

        services.AddEventStore(options);
        _provider = services.BuildServiceProvider();
        _store = _provider.GetRequiredService<IEventStore>();
        await _store.MigrateAsync(CancellationToken.None);
        await _store.RecordEpisodeAsync(Episode(T0), CancellationToken.None);
        await _store.TryClaimDedupKeyAsync("held", TimeSpan.FromDays(1), CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _temp?.Dispose();
    }

    [Benchmark]
    public Task<AnomalyEpisode> InsertEpisode() => _store.RecordEpisodeAsync(Episode(T0.AddMinutes(++_n)), CancellationToken.None);

    [Benchmark]
    public Task<AnomalyEpisode> UpdateEpisode() => _store.RecordEpisodeAsync(Episode(T0) with { AnomalousPoints = (int)(++_n % 1000) }, CancellationToken.None);

    [Benchmark]
    public Task<bool> ClaimNewDedupKey() => _store.TryClaimDedupKeyAsync(string.Create(CultureInfo.InvariantCulture, $"key-{++_n}"), TimeSpan.FromMinutes(30), CancellationToken.None);

    [Benchmark]
    public Task<bool> ClaimHeldDedupKey() => _store.TryClaimDedupKeyAsync("held", TimeSpan.FromMinutes(30), CancellationToken.None);

    private static AnomalyEpisode Episode(DateTimeOffset start) => new()
    {
        Source = "prometheus",
        Job = "web",
        Series = Series,
        Detector = "auto",
        Start = start,
        PeakAt = start,
        PeakScore = 2.5,
        PeakValue = 385,
        PeakExpected = 105,
        Test = AnomalyTest.Point,
        AnomalousPoints = 1,
        Context = """{"mean":105,"sigma":2}""",
    };
}
