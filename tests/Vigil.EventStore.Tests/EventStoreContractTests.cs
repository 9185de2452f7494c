using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.EventStore.Tests;

/// <summary>
/// The contract of <see cref="IEventStore"/>, run against every back end (one subclass each). Every test builds its
/// own store (a fresh file or database), so none depends on another's data.
/// </summary>
public abstract class EventStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Labels SeriesA = Labels.From(new Label("instance", "a"), new Label("service", "checkout"));
    private static readonly Labels SeriesB = Labels.From(new Label("instance", "b"), new Label("service", "checkout"));

    protected FakeTimeProvider Clock { get; } = new(T0);

    protected IEventStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        Store = CreateStore();
        await Store.MigrateAsync(CancellationToken.None);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Creates the empty database (file or PostgreSQL database) every store of this test uses.</summary>
    protected abstract Task PrepareAsync();

    /// <summary>A new store instance on this test's database: a second replica, or the same process after a restart.</summary>
    protected abstract IEventStore CreateStore();

    /// <summary>Closes an instance (connection pools included), as a stopping process would.</summary>
    protected abstract Task CloseAsync(IEventStore store);

    protected abstract Task ExecuteSqlAsync(string sql);

    // ---- migrations ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryVersionOnce()
    {
        var fresh = await FreshStoreAsync();

        Assert.Equal(0, await fresh.GetSchemaVersionAsync(CancellationToken.None));
        Assert.Equal([1, 2], await fresh.MigrateAsync(CancellationToken.None));
        Assert.Equal(2, await fresh.GetSchemaVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task MigrateAsync_RunAgain_AppliesNothingAndKeepsData()
    {
        await Store.RecordEpisodeAsync(Episode(), CancellationToken.None);

        var again = await Store.MigrateAsync(CancellationToken.None);
        var fromOtherInstance = await CreateStore().MigrateAsync(CancellationToken.None);

        Assert.Empty(again);
        Assert.Empty(fromOtherInstance);
        Assert.Single((await Store.QueryEpisodesAsync(new EpisodeQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task MigrateAsync_TwoInstancesAtOnce_ApplyTheSchemaExactlyOnce()
    {
        var first = await FreshStoreAsync();
        var second = CreateStore();

        var results = await Task.WhenAll(
            Task.Run(() => first.MigrateAsync(CancellationToken.None)),
            Task.Run(() => second.MigrateAsync(CancellationToken.None)));

        Assert.Equal([1, 2], results.SelectMany(r => r).Order().ToArray());
        Assert.Equal(2, await second.GetSchemaVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task MigrateAsync_SchemaNewerThanTheCode_RefusesWithAClearError()
    {
        await ExecuteSqlAsync("INSERT INTO event_store_schema (version, name, applied_ms) VALUES (99, 'from_the_future', 0)");

        var ex = await Assert.ThrowsAsync<EventStoreSchemaException>(() => CreateStore().MigrateAsync(CancellationToken.None));

        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade Vigil", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_StoreAtVersion1_AddsTheLogTemplatesTableAndKeepsData()
    {
        // A store as the previous Vigil left it: version 1 only, with data in it.
        var fresh = await FreshStoreAsync();
        Assert.Equal([1, 2], await fresh.MigrateAsync(CancellationToken.None));
        await ExecuteSqlAsync("DROP TABLE log_templates");
        await ExecuteSqlAsync("DELETE FROM event_store_schema WHERE version = 2");
        await fresh.RecordEpisodeAsync(Episode(), CancellationToken.None);

        Assert.Equal([2], await CreateStore().MigrateAsync(CancellationToken.None));
        Assert.True(await fresh.RecordNewLogTemplateAsync(LogTemplate("app", 1, T0), CancellationToken.None));
        Assert.Single((await fresh.QueryEpisodesAsync(new EpisodeQuery(), CancellationToken.None)).Items);
    }

    // ---- episodes -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task RecordEpisodeAsync_AnyEpisode_ReadsBackEveryField()
    {
        var series = Labels.From(new Label("path", "/a\"b\\c"), new Label("zone", "é-1"));
        var episode = Episode(series: series) with
        {
            Start = T0.AddTicks(1234), // sub-millisecond: truncated
            PeakAt = T0.AddMinutes(2),
            End = T0.AddMinutes(5),
            Test = AnomalyTest.Shift,
            AnomalousPoints = 6,
            Context = """{"mean":10.5,"sigma":2,"note":"ünïcode"}""",
        };

        var stored = await Store.RecordEpisodeAsync(episode, CancellationToken.None);
        var read = await Store.GetEpisodeAsync(stored.Id, CancellationToken.None);

        Assert.True(stored.Id > 0);
        Assert.Equal(T0, stored.Start);
        Assert.Equal(T0, stored.UpdatedAt);
        Assert.Equal(stored, read);
        Assert.Equal(series, read!.Series);
        Assert.Equal("""{"mean":10.5,"sigma":2,"note":"ünïcode"}""", read.Context);
    }

    [Fact]
    public async Task RecordEpisodeAsync_SameIdentityAgain_UpdatesTheOpenEpisodeUntilItCloses()
    {
        var onset = await Store.RecordEpisodeAsync(Episode(), CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(3));

        var peak = await Store.RecordEpisodeAsync(Episode() with { PeakAt = T0.AddMinutes(3), PeakScore = 7.5, AnomalousPoints = 4 }, CancellationToken.None);
        var closed = await Store.RecordEpisodeAsync(Episode() with { PeakAt = T0.AddMinutes(3), PeakScore = 7.5, AnomalousPoints = 9, End = T0.AddMinutes(9) }, CancellationToken.None);
        var read = await Store.GetEpisodeAsync(onset.Id, CancellationToken.None);

        Assert.Equal(onset.Id, peak.Id);
        Assert.Equal(onset.Id, closed.Id);
        Assert.Equal(T0.AddMinutes(9), read!.End);
        Assert.Equal(7.5, read.PeakScore);
        Assert.Equal(9, read.AnomalousPoints);
        Assert.Equal(T0.AddMinutes(3), read.UpdatedAt);
        Assert.Single((await Store.QueryEpisodesAsync(new EpisodeQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task GetEpisodeAsync_UnknownId_ReturnsNull()
        => Assert.Null(await Store.GetEpisodeAsync(424242, CancellationToken.None));

    [Fact]
    public async Task QueryEpisodesAsync_Paged_ReturnsEveryEpisodeOfTheJobNewestFirstExactlyOnce()
    {
        // 23 episodes of "web" (three share a start, so the id breaks ties) and 5 of "db".
        for (var i = 0; i < 23; i++)
        {
            var start = T0.AddMinutes(i < 3 ? 0 : i);
            await Store.RecordEpisodeAsync(Episode(job: "web", series: Labels.From(new Label("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))) with { Start = start, PeakAt = start }, CancellationToken.None);
        }

        for (var i = 0; i < 5; i++)
        {
            await Store.RecordEpisodeAsync(Episode(job: "db") with { Start = T0.AddMinutes(100 + i), PeakAt = T0.AddMinutes(100 + i) }, CancellationToken.None);
        }

        var seen = new List<AnomalyEpisode>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryEpisodesAsync(new EpisodeQuery { Job = "web", Limit = 10, PageToken = token }, CancellationToken.None);
            seen.AddRange(page.Items);
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(23, seen.Count);
        Assert.Equal(23, seen.Select(e => e.Id).Distinct().Count());
        Assert.All(seen, e => Assert.Equal("web", e.Job));
        Assert.Equal(seen.OrderByDescending(e => e.Start).ThenByDescending(e => e.Id).Select(e => e.Id), seen.Select(e => e.Id));
    }

    [Fact]
    public async Task QueryEpisodesAsync_TimeRange_ReturnsEpisodesThatOverlapItOpenOnesIncluded()
    {
        var before = await Store.RecordEpisodeAsync(Closed(T0, T0.AddMinutes(10), SeriesA), CancellationToken.None);
        var straddling = await Store.RecordEpisodeAsync(Closed(T0.AddMinutes(50), T0.AddMinutes(70), SeriesA), CancellationToken.None);
        var touchingEnd = await Store.RecordEpisodeAsync(Closed(T0.AddMinutes(120), T0.AddMinutes(130), SeriesA), CancellationToken.None);
        var open = await Store.RecordEpisodeAsync(Episode(series: SeriesB) with { Start = T0.AddMinutes(30), PeakAt = T0.AddMinutes(30) }, CancellationToken.None);
        var after = await Store.RecordEpisodeAsync(Closed(T0.AddMinutes(121), T0.AddMinutes(125), SeriesB), CancellationToken.None);

        var page = await Store.QueryEpisodesAsync(new EpisodeQuery { From = T0.AddMinutes(60), To = T0.AddMinutes(120) }, CancellationToken.None);

        Assert.Equal([touchingEnd.Id, straddling.Id, open.Id], page.Items.Select(e => e.Id));
        Assert.DoesNotContain(before.Id, page.Items.Select(e => e.Id));
        Assert.DoesNotContain(after.Id, page.Items.Select(e => e.Id));
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task QueryEpisodesAsync_BySeriesAndSource_ReturnsOnlyThoseEpisodes()
    {
        var a = await Store.RecordEpisodeAsync(Episode(series: SeriesA), CancellationToken.None);
        await Store.RecordEpisodeAsync(Episode(series: SeriesB), CancellationToken.None);
        var business = await Store.RecordEpisodeAsync(Episode(series: SeriesA) with { Source = "business" }, CancellationToken.None);

        var bySeries = await Store.QueryEpisodesAsync(new EpisodeQuery { Job = "web", Series = SeriesA }, CancellationToken.None);
        var bySource = await Store.QueryEpisodesAsync(new EpisodeQuery { Source = "business" }, CancellationToken.None);

        Assert.Equal(new[] { a.Id, business.Id }.Order(), bySeries.Items.Select(e => e.Id).Order());
        Assert.Equal([business.Id], bySource.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task ListOpenEpisodesAsync_MixedEpisodes_ReturnsOnlyOpenOnesOfTheJob()
    {
        var openWeb = await Store.RecordEpisodeAsync(Episode(job: "web"), CancellationToken.None);
        var openDb = await Store.RecordEpisodeAsync(Episode(job: "db"), CancellationToken.None);
        await Store.RecordEpisodeAsync(Closed(T0.AddMinutes(1), T0.AddMinutes(2), SeriesB), CancellationToken.None);

        var all = await Store.ListOpenEpisodesAsync(null, CancellationToken.None);
        var web = await Store.ListOpenEpisodesAsync("web", CancellationToken.None);
        var openOnly = await Store.QueryEpisodesAsync(new EpisodeQuery { OpenOnly = true }, CancellationToken.None);

        Assert.Equal(new[] { openWeb.Id, openDb.Id }.Order(), all.Select(e => e.Id).Order());
        Assert.Equal([openWeb.Id], web.Select(e => e.Id));
        Assert.Equal(all.Select(e => e.Id).Order(), openOnly.Items.Select(e => e.Id).Order());
        Assert.All(all, e => Assert.Null(e.End));
    }

    // ---- feedback -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task AddFeedbackAsync_AnyKind_ReadsBackWithIdAndCreationTime()
    {
        Clock.Advance(TimeSpan.FromSeconds(90));
        var feedback = new List<OperatorFeedback>();
        foreach (var kind in new[] { FeedbackKind.NewNormal, FeedbackKind.NotAnomaly, FeedbackKind.Confirmed })
        {
            feedback.Add(await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesA), T0, T0.AddHours(1), kind), CancellationToken.None));
        }

        var read = await Store.ListFeedbackAsync("web", 10, CancellationToken.None);

        Assert.Equal(3, feedback.Select(f => f.Id).Distinct().Count());
        Assert.All(feedback, f => Assert.Equal(T0.AddSeconds(90), f.CreatedAt));
        Assert.Equal(feedback.OrderByDescending(f => f.Id), read);
    }

    [Fact]
    public async Task GetFeedbackForSeriesAsync_ExactAndSelectorTargets_ReturnsWhatAppliesToTheSeriesOldestFirst()
    {
        var exactA = await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesA), T0, T0.AddHours(1), FeedbackKind.NotAnomaly), CancellationToken.None);
        await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesB), T0, T0.AddHours(1), FeedbackKind.NotAnomaly), CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var checkout = await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Selector("web", Labels.From(new Label("service", "checkout"))), T0.AddMinutes(30), T0.AddHours(2), FeedbackKind.NewNormal), CancellationToken.None);
        await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Selector("web", Labels.From(new Label("service", "search"))), T0, T0.AddHours(2), FeedbackKind.NewNormal), CancellationToken.None);
        await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("db", SeriesA), T0, T0.AddHours(1), FeedbackKind.Confirmed), CancellationToken.None);

        var forA = await Store.GetFeedbackForSeriesAsync("web", SeriesA, T0.AddMinutes(45), T0.AddMinutes(50), CancellationToken.None);
        var forALater = await Store.GetFeedbackForSeriesAsync("web", SeriesA, T0.AddMinutes(61), T0.AddMinutes(70), CancellationToken.None);
        var atTheBoundary = await Store.GetFeedbackForSeriesAsync("web", SeriesA, T0.AddHours(2), T0.AddHours(3), CancellationToken.None);
        var beforeEverything = await Store.GetFeedbackForSeriesAsync("web", SeriesA, T0.AddHours(-2), T0.AddMinutes(-1), CancellationToken.None);

        Assert.Equal([exactA.Id, checkout.Id], forA.Select(f => f.Id));
        Assert.Equal([checkout.Id], forALater.Select(f => f.Id));
        Assert.Equal([checkout.Id], atTheBoundary.Select(f => f.Id));
        Assert.Empty(beforeEverything);
        Assert.True(forA[1].Target.IsSelector);
    }

    // ---- inspection reports -------------------------------------------------------------------------------------

    [Fact]
    public async Task SaveInspectionReportAsync_SeveralRounds_LatestAndRangeNewestFirst()
    {
        Assert.Null(await Store.GetLatestInspectionReportAsync(CancellationToken.None));
        for (var i = 0; i < 4; i++)
        {
            await Store.SaveInspectionReportAsync(Report($"r{i}", T0.AddMinutes(5 * i)), CancellationToken.None);
        }

        var latest = await Store.GetLatestInspectionReportAsync(CancellationToken.None);
        var middle = await Store.ListInspectionReportsAsync(T0.AddMinutes(5), T0.AddMinutes(10), 10, CancellationToken.None);
        var limited = await Store.ListInspectionReportsAsync(T0, T0.AddHours(1), 3, CancellationToken.None);

        Assert.Equal("r3", latest!.RoundId);
        Assert.Equal(["baseline: timed out after 30s"], latest.Errors);
        Assert.Equal("""{"alerts":[],"shadow":true}""", latest.Body);
        Assert.Equal(T0.AddMinutes(15), latest.StartedAt);
        Assert.Equal(T0.AddMinutes(15).AddSeconds(4), latest.FinishedAt);
        Assert.Equal(["r2", "r1"], middle.Select(r => r.RoundId));
        Assert.Equal(["r3", "r2", "r1"], limited.Select(r => r.RoundId));
    }

    [Fact]
    public async Task SaveInspectionReportAsync_SameRoundAgain_ReplacesTheReport()
    {
        await Store.SaveInspectionReportAsync(Report("r1", T0), CancellationToken.None);

        await Store.SaveInspectionReportAsync(Report("r1", T0) with { Body = """{"alerts":[1]}""", Errors = [] }, CancellationToken.None);

        var all = await Store.ListInspectionReportsAsync(T0.AddDays(-1), T0.AddDays(1), 10, CancellationToken.None);
        Assert.Equal("""{"alerts":[1]}""", Assert.Single(all).Body);
        Assert.Empty(all[0].Errors);
    }

    // ---- new log templates ----------------------------------------------------------------------------------------

    [Fact]
    public async Task RecordNewLogTemplateAsync_SameIdAgainOrFromAReplica_KeepsTheFirstSighting()
    {
        Clock.Advance(TimeSpan.FromSeconds(3));
        var first = LogTemplate("app", 42, T0);

        var stored = await Store.RecordNewLogTemplateAsync(first, CancellationToken.None);
        var again = await CreateStore().RecordNewLogTemplateAsync(first with { Template = "rewritten <*>", FirstSeen = T0.AddMinutes(9) }, CancellationToken.None);

        Assert.True(stored);
        Assert.False(again);
        var read = Assert.Single(await Store.ListNewLogTemplatesAsync(null, T0.AddDays(-1), T0.AddDays(1), 10, CancellationToken.None));
        Assert.Equal(("app", 42L, "user <*> logged in from <*>", T0, T0.AddSeconds(3)), (read.Source, read.TemplateId, read.Template, read.FirstSeen, read.RecordedAt));
    }

    [Fact]
    public async Task ListNewLogTemplatesAsync_SourcesAndRange_NewestFirstFilteredAndLimited()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.RecordNewLogTemplateAsync(LogTemplate("app", i, T0.AddMinutes(i)), CancellationToken.None);
            await Store.RecordNewLogTemplateAsync(LogTemplate("db", i, T0.AddMinutes(i)), CancellationToken.None);
        }

        // A template id is only unique within its source: the same id in two sources is two templates.
        var app = await Store.ListNewLogTemplatesAsync("app", T0.AddMinutes(1), T0.AddMinutes(3), 10, CancellationToken.None);
        var all = await Store.ListNewLogTemplatesAsync(null, T0, T0.AddHours(1), 3, CancellationToken.None);

        Assert.Equal([3L, 2L, 1L], app.Select(t => t.TemplateId));
        Assert.All(app, t => Assert.Equal("app", t.Source));
        Assert.Equal([("app", 4L), ("db", 4L), ("app", 3L)], all.Select(t => (t.Source, t.TemplateId)));
    }

    [Fact]
    public async Task RecordNewLogTemplateAsync_BadInput_ThrowsNamingTheFieldAndWritesNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordNewLogTemplateAsync(LogTemplate("", 1, T0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordNewLogTemplateAsync(LogTemplate("app", 1, T0) with { Template = "" }, CancellationToken.None));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordNewLogTemplateAsync(LogTemplate("app", 1, T0) with { Template = new string('x', EventStoreLimits.MaxTemplateLength + 1) }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListNewLogTemplatesAsync(null, T0, T0.AddSeconds(-1), 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListNewLogTemplatesAsync(null, T0, T0, 0, CancellationToken.None));

        Assert.Contains("template.template", tooLong.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListNewLogTemplatesAsync(null, DateTimeOffset.UnixEpoch, T0.AddYears(1), 10, CancellationToken.None));
    }

    private static LogTemplateRecord LogTemplate(string source, long id, DateTimeOffset firstSeen) => new()
    {
        Source = source,
        TemplateId = id,
        Template = "user <*> logged in from <*>",
        FirstSeen = firstSeen,
    };

    // ---- alerts -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task SaveAlertAsync_ResentThenResolved_KeepsFirstSendAndListsByStatus()
    {
        await Store.SaveAlertAsync(Alert("k1", AlertStatus.Firing, T0, T0), CancellationToken.None);
        await Store.SaveAlertAsync(Alert("k2", AlertStatus.Firing, T0, T0.AddMinutes(1)), CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var resolved = await Store.SaveAlertAsync(Alert("k1", AlertStatus.Resolved, T0.AddMinutes(4), T0.AddMinutes(5)) with { Payload = """{"endsAt":"now"}""" }, CancellationToken.None);

        Assert.Equal(T0, resolved.FirstSentAt);
        Assert.Equal(T0.AddMinutes(5), resolved.LastSentAt);
        Assert.Equal(T0.AddMinutes(5), resolved.UpdatedAt);
        Assert.Equal(resolved, await Store.GetAlertAsync("k1", CancellationToken.None));
        Assert.Equal(["k2"], (await Store.ListAlertsAsync(AlertStatus.Firing, 10, CancellationToken.None)).Select(a => a.Key));
        Assert.Equal(["k1"], (await Store.ListAlertsAsync(AlertStatus.Resolved, 10, CancellationToken.None)).Select(a => a.Key));
        Assert.Equal(["k1", "k2"], (await Store.ListAlertsAsync(null, 10, CancellationToken.None)).Select(a => a.Key));
        Assert.Null(await Store.GetAlertAsync("unknown", CancellationToken.None));
    }

    // ---- dedup --------------------------------------------------------------------------------------------------

    [Fact]
    public async Task TryClaimDedupKeyAsync_WithinAndAfterTheWindow_ClaimsOncePerWindow()
    {
        var window = TimeSpan.FromMinutes(30);

        var first = await Store.TryClaimDedupKeyAsync("baseline|cpu|{instance=\"a\"}", window, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(29));
        var within = await Store.TryClaimDedupKeyAsync("baseline|cpu|{instance=\"a\"}", window, CancellationToken.None);
        var otherKey = await Store.TryClaimDedupKeyAsync("baseline|cpu|{instance=\"b\"}", window, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var atExpiry = await Store.TryClaimDedupKeyAsync("baseline|cpu|{instance=\"a\"}", window, CancellationToken.None);
        var rightAfter = await Store.TryClaimDedupKeyAsync("baseline|cpu|{instance=\"a\"}", window, CancellationToken.None);

        Assert.True(first);
        Assert.False(within);
        Assert.True(otherKey);
        Assert.True(atExpiry);
        Assert.False(rightAfter);
    }

    [Fact]
    public async Task TryClaimDedupKeyAsync_TwoReplicasClaimingTogether_ExactlyOneWinsEachKey()
    {
        var replica = CreateStore();
        var keys = Enumerable.Range(0, 40).Select(i => $"key-{i}").ToArray();

        var claims = await Task.WhenAll(keys.SelectMany(key => new[]
        {
            Task.Run(() => Store.TryClaimDedupKeyAsync(key, TimeSpan.FromMinutes(30), CancellationToken.None)),
            Task.Run(() => replica.TryClaimDedupKeyAsync(key, TimeSpan.FromMinutes(30), CancellationToken.None)),
        }));

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.True(claims[2 * i] ^ claims[(2 * i) + 1], $"{keys[i]}: {claims[2 * i]} / {claims[(2 * i) + 1]}");
        }

        await CloseAsync(replica);
    }

    [Fact]
    public async Task TryClaimDedupKeyAsync_ManyClaimersOfAnExpiredKey_ExactlyOneTakesItOver()
    {
        Assert.True(await Store.TryClaimDedupKeyAsync("k", TimeSpan.FromMinutes(30), CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(31));
        var replica = CreateStore();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? Store : replica).TryClaimDedupKeyAsync("k", TimeSpan.FromMinutes(30), CancellationToken.None))));

        Assert.Equal(1, claims.Count(c => c));
        await CloseAsync(replica);
    }

    [Fact]
    public async Task PurgeExpiredDedupKeysAsync_MixedKeys_DeletesOnlyExpiredOnes()
    {
        await Store.TryClaimDedupKeyAsync("short", TimeSpan.FromMinutes(1), CancellationToken.None);
        await Store.TryClaimDedupKeyAsync("long", TimeSpan.FromMinutes(30), CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(2));

        var purged = await Store.PurgeExpiredDedupKeysAsync(CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.False(await Store.TryClaimDedupKeyAsync("long", TimeSpan.FromMinutes(30), CancellationToken.None));
        Assert.True(await Store.TryClaimDedupKeyAsync("short", TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    // ---- restart ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Reopen_AfterTheStoreIsClosed_ReadsBackEverythingAndKeepsTheDedupWindow()
    {
        var episode = await Store.RecordEpisodeAsync(Episode() with { Context = """{"k":1}""" }, CancellationToken.None);
        var feedback = await Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesA), T0, T0.AddHours(1), FeedbackKind.NewNormal), CancellationToken.None);
        await Store.SaveInspectionReportAsync(Report("r1", T0), CancellationToken.None);
        var alert = await Store.SaveAlertAsync(Alert("k1", AlertStatus.Firing, T0, T0), CancellationToken.None);
        Assert.True(await Store.TryClaimDedupKeyAsync("dedup", TimeSpan.FromMinutes(30), CancellationToken.None));
        await CloseAsync(Store);

        var reopened = CreateStore();
        var applied = await reopened.MigrateAsync(CancellationToken.None);

        Assert.Empty(applied);
        Assert.Equal(episode, await reopened.GetEpisodeAsync(episode.Id, CancellationToken.None));
        Assert.Equal([feedback], await reopened.GetFeedbackForSeriesAsync("web", SeriesA, T0, T0, CancellationToken.None));
        Assert.Equal("r1", (await reopened.GetLatestInspectionReportAsync(CancellationToken.None))!.RoundId);
        Assert.Equal(alert, await reopened.GetAlertAsync("k1", CancellationToken.None));
        Assert.False(await reopened.TryClaimDedupKeyAsync("dedup", TimeSpan.FromMinutes(30), CancellationToken.None));
        await CloseAsync(reopened);
    }

    // ---- bad input ----------------------------------------------------------------------------------------------

    public static TheoryData<string> BadEpisodes => ["job too long", "empty source", "end before start", "peak outside", "NaN score", "invalid context", "oversized context", "too many labels"];

    [Theory]
    [MemberData(nameof(BadEpisodes))]
    public async Task RecordEpisodeAsync_BadInput_ThrowsNamingTheFieldAndWritesNothing(string problem)
    {
        var episode = problem switch
        {
            "job too long" => Episode() with { Job = new string('j', EventStoreLimits.MaxNameLength + 1) },
            "empty source" => Episode() with { Source = " " },
            "end before start" => Episode() with { End = T0.AddMinutes(-1) },
            "peak outside" => Episode() with { PeakAt = T0.AddMinutes(-1) },
            "NaN score" => Episode() with { PeakScore = double.NaN },
            "invalid context" => Episode() with { Context = "{not json" },
            "oversized context" => Episode() with { Context = $"\"{new string('x', EventStoreLimits.MaxJsonLength)}\"" },
            "too many labels" => Episode(series: Labels.From(Enumerable.Range(0, EventStoreLimits.MaxLabels + 1).Select(i => new KeyValuePair<string, string>($"l{i}", "v")))),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.RecordEpisodeAsync(episode, CancellationToken.None));

        Assert.StartsWith("episode.", ex.ParamName, StringComparison.Ordinal);
        Assert.Empty((await Store.QueryEpisodesAsync(new EpisodeQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task AddFeedbackAsync_BadInput_ThrowsClearErrors()
    {
        var inverted = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesA), T0, T0.AddMinutes(-1), FeedbackKind.NewNormal), CancellationToken.None));
        var comment = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesA), T0, T0, FeedbackKind.Confirmed) with { Comment = new string('c', EventStoreLimits.MaxCommentLength + 1) }, CancellationToken.None));
        var emptySelector = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddFeedbackAsync(Feedback(FeedbackTarget.Selector("web", Labels.Empty), T0, T0, FeedbackKind.NotAnomaly), CancellationToken.None));
        var author = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddFeedbackAsync(Feedback(FeedbackTarget.Series("web", SeriesA), T0, T0, FeedbackKind.Confirmed) with { Author = "" }, CancellationToken.None));

        Assert.Contains("ends", inverted.Message, StringComparison.Ordinal);
        Assert.Contains("4097 characters, at most 4096", comment.Message, StringComparison.Ordinal);
        Assert.Contains("at least one matcher", emptySelector.Message, StringComparison.Ordinal);
        Assert.Equal("feedback.author", author.ParamName);
        Assert.Empty(await Store.ListFeedbackAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Queries_BadInput_ThrowClearErrors()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.QueryEpisodesAsync(new EpisodeQuery { Limit = 0 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.QueryEpisodesAsync(new EpisodeQuery { Limit = EventStoreLimits.MaxPageSize + 1 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryEpisodesAsync(new EpisodeQuery { From = T0, To = T0.AddSeconds(-1) }, CancellationToken.None));
        var token = await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryEpisodesAsync(new EpisodeQuery { PageToken = "garbage" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetFeedbackForSeriesAsync("web", SeriesA, T0, T0.AddSeconds(-1), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListInspectionReportsAsync(T0, T0.AddSeconds(-1), 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAlertsAsync(null, 0, CancellationToken.None));

        Assert.Contains("not a token this store issued", token.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesOfReportsAlertsAndDedup_BadInput_ThrowClearErrors()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveInspectionReportAsync(Report("r", T0) with { FinishedAt = T0.AddSeconds(-1) }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveInspectionReportAsync(Report("r", T0) with { Body = "<html>" }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAlertAsync(Alert(new string('k', EventStoreLimits.MaxKeyLength + 1), AlertStatus.Firing, T0, T0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAlertAsync(Alert("k", AlertStatus.Firing, T0, T0.AddSeconds(-1)), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryClaimDedupKeyAsync("", TimeSpan.FromMinutes(30), CancellationToken.None));
        var zero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.TryClaimDedupKeyAsync("k", TimeSpan.Zero, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.TryClaimDedupKeyAsync("k", TimeSpan.FromDays(2), CancellationToken.None));

        Assert.Contains("dedup window", zero.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetLatestInspectionReportAsync(CancellationToken.None));
        Assert.Empty(await Store.ListAlertsAsync(null, 10, CancellationToken.None));
        Assert.True(await Store.TryClaimDedupKeyAsync("k", TimeSpan.FromMinutes(30), CancellationToken.None));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>A store on an empty, unmigrated database (drops what <see cref="InitializeAsync"/> created).</summary>
    private async Task<IEventStore> FreshStoreAsync()
    {
        await CloseAsync(Store);
        await PrepareAsync();
        return CreateStore();
    }

    private static AnomalyEpisode Episode(string job = "web", Labels? series = null) => new()
    {
        Source = "prometheus",
        Job = job,
        Series = series ?? SeriesA,
        Detector = "auto",
        Start = T0,
        PeakAt = T0,
        PeakScore = 2.5,
        PeakValue = 385,
        PeakExpected = 105,
        Test = AnomalyTest.Point,
        AnomalousPoints = 1,
    };

    private static AnomalyEpisode Closed(DateTimeOffset start, DateTimeOffset end, Labels series)
        => Episode(series: series) with { Start = start, PeakAt = start, End = end };

    private static OperatorFeedback Feedback(FeedbackTarget target, DateTimeOffset from, DateTimeOffset to, FeedbackKind kind) => new()
    {
        Target = target,
        From = from,
        To = to,
        Kind = kind,
        Author = "oncall@example.com",
        Comment = "deploy of 2.3 moved the baseline",
    };

    private static InspectionReport Report(string round, DateTimeOffset started) => new()
    {
        RoundId = round,
        StartedAt = started,
        FinishedAt = started.AddSeconds(4),
        Body = """{"alerts":[],"shadow":true}""",
        Errors = ["baseline: timed out after 30s"],
    };

    private static AlertState Alert(string key, AlertStatus status, DateTimeOffset first, DateTimeOffset last) => new()
    {
        Key = key,
        Status = status,
        FirstSentAt = first,
        LastSentAt = last,
        Payload = """{"labels":{"alertname":"VigilAnomaly"}}""",
    };
}
