using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.EventStore.Api;

namespace Vigil.EventStore.Tests.Api;

public sealed class EventStoreEndpointsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WriteEpisodePage_OpenAndClosedEpisodes_MatchesTheGoldenFile()
    {
        var closed = new AnomalyEpisode
        {
            Id = 7, Source = "prometheus", Job = "cpu", Series = Labels.From(new Label("instance", "a")), Detector = "auto",
            Start = Start, End = Start.AddMinutes(30), PeakAt = Start.AddMinutes(5), PeakScore = 4.25, PeakValue = 385.5,
            PeakExpected = 105, Test = AnomalyTest.Shift, AnomalousPoints = 31, Context = """{"model":"none"}""",
        };
        var open = closed with { Id = 8, Source = "business", Job = "business_metrics", Series = Labels.From(new Label("metric", "signups")), Start = Start.AddHours(1), End = null, Context = null, Test = AnomalyTest.Point };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            EventStoreEndpoints.WriteEpisodePage(writer, new EpisodePage([open, closed], "next-token"));
        }

        var actual = Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n");
        var golden = Path.Combine(AppContext.BaseDirectory, "golden", "anomalies.json");
        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n").TrimEnd(), actual.TrimEnd());
    }

    [Fact]
    public void ParseAnomalyQuery_AllParameters_Parsed()
    {
        var query = EventStoreEndpoints.ParseAnomalyQuery(Query(("from", "2026-03-01T12:00:00Z"), ("to", "1772370000"), ("job", "cpu"), ("series", "{instance=\"a\"}"), ("limit", "5")));

        Assert.Equal(Start, query.From);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1772370000), query.To);
        Assert.Equal("cpu", query.Job);
        Assert.Equal(Labels.From(new Label("instance", "a")), query.Series);
        Assert.Equal(5, query.Limit);
    }

    [Theory]
    [InlineData("from", "yesterday", "from:")]
    [InlineData("limit", "0", "limit:")]
    [InlineData("limit", "100000", "limit:")]
    [InlineData("series", "{instance=~\"a.*\"}", "series:")]
    public void ParseAnomalyQuery_BadParameter_ThrowsNamingIt(string name, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => EventStoreEndpoints.ParseAnomalyQuery(Query((name, value))));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseAnomalyQuery_ToBeforeFrom_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => EventStoreEndpoints.ParseAnomalyQuery(Query(("from", "2000"), ("to", "1000"))));

        Assert.StartsWith("to: must not be before from", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFeedback_SelectorBody_BuildsASelectorTarget()
    {
        var feedback = EventStoreEndpoints.ParseFeedback("""{"job":"cpu","series":"{instance=\"a\"}","from":"2026-03-01T12:00:00Z","to":1772370000,"kind":"new_normal","comment":"deploy","author":"ana"}"""u8);

        Assert.True(feedback.Target.IsSelector);
        Assert.Equal("cpu", feedback.Target.Job);
        Assert.True(feedback.Target.Matches(Labels.From(new Label("instance", "a"), new Label("job", "node"))));
        Assert.Equal(FeedbackKind.NewNormal, feedback.Kind);
        Assert.Equal(Start, feedback.From);
        Assert.Equal("ana", feedback.Author);
        Assert.Equal("deploy", feedback.Comment);
    }

    [Fact]
    public void ParseFeedback_ExactLabels_BuildsAnExactTarget()
    {
        var feedback = EventStoreEndpoints.ParseFeedback("""{"job":"cpu","series":{"instance":"a"},"from":1,"to":2,"kind":"not_anomaly"}"""u8);

        Assert.False(feedback.Target.IsSelector);
        Assert.Equal("api", feedback.Author);
        Assert.False(feedback.Target.Matches(Labels.From(new Label("instance", "a"), new Label("job", "node"))));
    }

    [Theory]
    [InlineData("", "body: empty")]
    [InlineData("[]", "body: must be a JSON object")]
    [InlineData("{", "body: not valid JSON")]
    [InlineData("""{"job":"cpu","series":"{}","from":1,"to":2,"kind":"maybe"}""", "kind:")]
    [InlineData("""{"job":"cpu","series":"{}","from":3,"to":2,"kind":"confirmed"}""", "to: must not be before from")]
    [InlineData("""{"series":"{}","from":1,"to":2,"kind":"confirmed"}""", "job: required")]
    [InlineData("""{"job":"cpu","from":1,"to":2,"kind":"confirmed"}""", "series: required")]
    [InlineData("""{"job":"cpu","job":"x","series":"{}","from":1,"to":2,"kind":"confirmed"}""", "job: appears twice")]
    [InlineData("""{"job":"cpu","series":"{}","from":1,"to":2,"kind":"confirmed","extra":1}""", "extra: unknown field")]
    public void ParseFeedback_BadBody_ThrowsNamingTheField(string body, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => EventStoreEndpoints.ParseFeedback(Encoding.UTF8.GetBytes(body)));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSelector_EscapedQuoteAndSpaces_Unescaped()
    {
        var labels = ApiParsing.ParseSelector("series", """ { path = "a\"b" , instance="x" } """);

        Assert.Equal("a\"b", labels.Get("path"));
        Assert.Equal("x", labels.Get("instance"));
    }

    private static QueryCollection Query(params (string Name, string Value)[] values)
        => new(values.ToDictionary(v => v.Name, v => new StringValues(v.Value)));
}
