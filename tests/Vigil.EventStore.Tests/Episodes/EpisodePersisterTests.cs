using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.EventStore.Episodes;
using Vigil.EventStore.Sqlite;
using Vigil.Exposition;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;
using PipelineEpisode = Vigil.Pipeline.Episodes.AnomalyEpisode;

namespace Vigil.EventStore.Tests.Episodes;

public sealed class EpisodePersisterTests : IDisposable
{
    private static readonly Labels Series = Labels.From(new Label("instance", "a"));
    private static readonly long StartMs = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly TempDirectory _temp = new();
    private readonly MetricRegistry _registry = new();
    private readonly VigilMetrics _metrics;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero));

    public EpisodePersisterTests() => _metrics = new VigilMetrics(_registry);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Drain_OnsetThenClose_StoresOneClosedEpisodeWithPeakAndJob()
    {
        using var store = await MigratedStoreAsync();
        var sut = CreateSut(store);

        sut.OnEpisode(Event(EpisodeEventKind.Opened, endMs: StartMs, peakScore: 2.5));
        sut.OnEpisode(Event(EpisodeEventKind.Closed, endMs: StartMs + 300_000, peakScore: 4.0));
        var stored = await sut.DrainAsync(CancellationToken.None);

        Assert.Equal(2, stored);
        var page = await store.QueryEpisodesAsync(new EpisodeQuery { Job = "cpu" }, CancellationToken.None);
        var episode = Assert.Single(page.Items);
        Assert.Equal("prometheus", episode.Source);
        Assert.Equal(Series, episode.Series);
        Assert.Equal("rolling_sigma", episode.Detector);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(StartMs + 300_000), episode.End);
        Assert.Equal(4.0, episode.PeakScore);
        Assert.Equal(AnomalyTest.Shift, episode.Test);
        Assert.Contains("\"LastAnomalousMs\"", episode.Context, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_BusinessMetricsEpisode_StoredUnderSourceBusiness()
    {
        using var store = await MigratedStoreAsync();
        var sut = CreateSut(store);

        sut.OnEpisode(Event(EpisodeEventKind.Opened, endMs: StartMs, peakScore: 2, source: EpisodePersister.BusinessSource));
        await sut.DrainAsync(CancellationToken.None);

        var episode = Assert.Single((await store.QueryEpisodesAsync(new EpisodeQuery { Source = "business" }, CancellationToken.None)).Items);
        Assert.Equal("business_metrics", episode.Job);
        Assert.Null(episode.End);
    }

    [Fact]
    public async Task Drain_StoreFails_CountsEveryAttemptAndDropsAfterTheLast()
    {
        // Not migrated: every write fails with "no such table", as a broken disk or database would.
        using var store = new SqliteEventStore(_temp.File("events.db"), TimeSpan.FromSeconds(1), _clock, NullLogger<SqliteEventStore>.Instance);
        var sut = CreateSut(store, new EpisodePersistenceOptions { MaxAttempts = 3, RetryDelay = TimeSpan.Zero });

        sut.OnEpisode(Event(EpisodeEventKind.Opened, endMs: StartMs, peakScore: 2));
        var stored = await sut.DrainAsync(CancellationToken.None);

        Assert.Equal(0, stored);
        Assert.Equal(1, sut.Dropped);
        Assert.Equal(0, sut.Pending);
        Assert.Contains("vigil_errors_total{error_type=\"event_store\"} 3", Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnEpisode_QueueFull_DropsTheOldestAndCountsIt()
    {
        using var store = await MigratedStoreAsync();
        var sut = CreateSut(store, new EpisodePersistenceOptions { QueueCapacity = 2 });

        for (var i = 0; i < 5; i++)
        {
            sut.OnEpisode(Event(EpisodeEventKind.Opened, endMs: StartMs + (i * 60_000), peakScore: 2, startMs: StartMs + (i * 60_000)));
        }

        Assert.Equal(2, sut.Pending);
        Assert.Equal(3, sut.Dropped);
        await sut.DrainAsync(CancellationToken.None);
        var page = await store.QueryEpisodesAsync(new EpisodeQuery(), CancellationToken.None);
        Assert.Equal([StartMs + 240_000, StartMs + 180_000], page.Items.Select(e => e.Start.ToUnixTimeMilliseconds()));
        Assert.Contains("vigil_errors_total{error_type=\"event_store\"} 3", Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnEpisode_CandidateModel_NotPersisted()
    {
        using var store = await MigratedStoreAsync();
        var sut = CreateSut(store);

        sut.OnEpisode(Event(EpisodeEventKind.Opened, endMs: StartMs, peakScore: 2) with { Model = ModelRole.Candidate });

        Assert.Equal(0, sut.Pending);
    }

    private EpisodePersister CreateSut(IEventStore store, EpisodePersistenceOptions? options = null)
        => new(store, _metrics, _clock, options ?? new EpisodePersistenceOptions(), NullLogger<EpisodePersister>.Instance);

    private async Task<SqliteEventStore> MigratedStoreAsync()
    {
        var store = new SqliteEventStore(_temp.File("events.db"), TimeSpan.FromSeconds(1), _clock, NullLogger<SqliteEventStore>.Instance);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    private static PipelineEpisode Event(EpisodeEventKind kind, long endMs, double peakScore, string source = "cpu", long? startMs = null)
    {
        var start = startMs ?? StartMs;
        return new PipelineEpisode(kind, source, Series, "rolling_sigma", ModelRole.None, new Episode(start, endMs, start, peakScore, 40, 10, AnomalyTest.Shift, 3));
    }

    private string Render()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        _registry.WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
