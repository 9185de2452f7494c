using System.Globalization;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Service;
using Vigil.Logs.Sources.Files;
using Vigil.Testing;

namespace Vigil.Logs.Tests.Service;

public sealed class SourceIngestorTests
{
    private static readonly LogSourceOptions Source = new() { Name = "app", Format = LogFormat.None, File = new FileSourceOptions { Include = ["/var/log/app.log"] } };

    private static List<string> Lines(int users, int errors, int other)
    {
        var lines = new List<string>();
        for (var i = 0; i < users; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"user u{i} logged in from 10.0.0.{i % 250}"));
        }

        for (var i = 0; i < errors; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"request {i} failed with status 500 after {i}ms"));
        }

        for (var i = 0; i < other; i++)
        {
            // Distinct shapes (token counts differ), so each is its own template.
            lines.Add("rare event" + string.Concat(Enumerable.Repeat(" word", i + 1)));
        }

        return lines;
    }

    [Fact]
    public void CloseIntervals_TopTemplatesAndOther_SumExactlyToLinesOfTheInterval()
    {
        var harness = new LogsHarness();
        var options = new LogsOptions { Sources = [Source], TopTemplates = 2, Detector = LogsHarness.QuickDetector };
        var sut = harness.CreateIngestor(Source, options);

        sut.Ingest(Lines(users: 50, errors: 20, other: 7));
        harness.Time.Advance(options.Interval);
        var closed = sut.CloseIntervals(harness.Time.GetUtcNow());

        Assert.Equal(1, closed);
        var points = harness.Sink.Points;
        Assert.Equal(3, points.Count);
        Assert.Equal(77, points.Sum(p => p.Value));
        Assert.Equal(7, points.Single(p => p.Template == SourceIngestor.OtherTemplate).Value);
        Assert.Equal([20.0, 50.0], points.Where(p => p.Template != SourceIngestor.OtherTemplate).Select(p => p.Value).Order());
    }

    [Fact]
    public void CloseIntervals_QuietInterval_PublishesZeroForEveryScoredTemplate()
    {
        var harness = new LogsHarness();
        var sut = harness.CreateIngestor(Source);
        sut.Ingest(Lines(users: 5, errors: 3, other: 0));
        harness.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(2, sut.CloseIntervals(harness.Time.GetUtcNow()));

        var second = harness.Sink.Points.Skip(3).ToList();
        Assert.Equal(3, second.Count);
        Assert.All(second, p => Assert.Equal(0, p.Value));
    }

    [Fact]
    public void CloseIntervals_TemplateOvertaken_IsRemovedFromTheSeamAndCountedInOther()
    {
        var harness = new LogsHarness();
        var options = new LogsOptions { Sources = [Source], TopTemplates = 1, Detector = LogsHarness.QuickDetector };
        var sut = harness.CreateIngestor(Source, options);
        sut.Ingest(Lines(users: 5, errors: 0, other: 0));
        harness.Time.Advance(options.Interval);
        sut.CloseIntervals(harness.Time.GetUtcNow());
        var usersId = harness.Sink.Points.Single(p => p.Template != SourceIngestor.OtherTemplate).Template;

        sut.Ingest(Lines(users: 1, errors: 30, other: 0));
        harness.Time.Advance(options.Interval);
        sut.CloseIntervals(harness.Time.GetUtcNow());

        Assert.Equal([usersId], harness.Sink.Removed);
        var last = harness.Sink.Points.Skip(2).ToList();
        Assert.Equal(31, last.Sum(p => p.Value));
        Assert.Equal(1, last.Single(p => p.Template == SourceIngestor.OtherTemplate).Value);
    }

    [Fact]
    public void Query_OpenAndClosedIntervals_CountsSumToLinesIngested()
    {
        var harness = new LogsHarness();
        var sut = harness.CreateIngestor(Source);
        sut.Ingest(Lines(users: 10, errors: 4, other: 3));
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        sut.CloseIntervals(harness.Time.GetUtcNow());
        sut.Ingest(Lines(users: 2, errors: 1, other: 1));

        var all = sut.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var lastMinute = sut.Query(harness.Time.GetUtcNow(), DateTimeOffset.MaxValue);

        Assert.Equal(21, all.Lines);
        Assert.Equal(21, all.Templates.Sum(t => t.Count));
        Assert.All(all.Templates, t => Assert.Equal(t.Count, t.Samples.Sum(s => s.Count)));
        Assert.Equal(4, lastMinute.Lines);
        Assert.Equal(4, lastMinute.Templates.Sum(t => t.Count));
        Assert.Equal("user <*> logged in from <*>", all.Templates[0].Template);
        Assert.Equal(2, all.Templates[0].Samples.Count);
    }

    [Fact]
    public void Ingest_NewTemplates_GoToTheFeedOnce()
    {
        var harness = new LogsHarness();
        var sut = harness.CreateIngestor(Source);

        sut.Ingest(Lines(users: 3, errors: 2, other: 0));
        sut.Ingest(Lines(users: 3, errors: 2, other: 0));

        var created = harness.Feed.Drain();
        Assert.Equal(2, created.Select(c => c.TemplateId).Distinct().Count());
        Assert.All(created, c => Assert.Equal("app", c.Source));
        Assert.Empty(harness.Feed.Drain());
        Assert.Equal(10, harness.Telemetry.LinesTotal("app"));
    }

    [Fact]
    public void SaveState_Restart_KeepsTemplateIdsAndFirstSeen()
    {
        using var state = new TempDirectory();
        var harness = new LogsHarness();
        var first = harness.CreateIngestor(Source, stateDirectory: state.Path);
        first.Ingest(Lines(users: 3, errors: 3, other: 2));
        var before = first.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Templates.ToDictionary(t => t.Template, t => (t.Id, t.FirstSeen));
        first.SaveState();

        harness.Time.Advance(TimeSpan.FromHours(1));
        var second = harness.CreateIngestor(Source, stateDirectory: state.Path);
        second.Ingest(Lines(users: 0, errors: 1, other: 2).Concat(Lines(users: 1, errors: 0, other: 0)).ToList());
        var after = second.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Templates;

        Assert.Equal(4, after.Count);
        Assert.All(after, t => Assert.Equal(before[t.Template], (t.Id, t.FirstSeen)));
    }

    [Fact]
    public void Constructor_CorruptTemplateState_Throws()
    {
        using var state = new TempDirectory();
        var harness = new LogsHarness();
        var first = harness.CreateIngestor(Source, stateDirectory: state.Path);
        first.Ingest(Lines(users: 1, errors: 0, other: 0));
        first.SaveState();
        var file = Directory.GetFiles(state.Path, "*.templates").Single();
        File.WriteAllText(file, "not a template file\n");

        Assert.Throws<FormatException>(() => harness.CreateIngestor(Source, stateDirectory: state.Path));
    }
}
