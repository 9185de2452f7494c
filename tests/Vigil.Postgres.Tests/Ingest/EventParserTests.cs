using System.Text;
using Vigil.Postgres.Ingest;

namespace Vigil.Postgres.Tests.Ingest;

public sealed class EventParserTests
{
    [Fact]
    public void Parse_JsonArray_ReadsEveryEvent()
    {
        var errors = new List<EventError>();

        var events = EventParser.Parse(Encoding.UTF8.GetBytes("""
            [{"event_type":"a","timestamp":"2026-01-10T11:00:00Z","payload":{"x":1},"idempotency_key":"k"},
             {"event_type":"b","event_timestamp":1768046400000}]
            """), errors);

        Assert.Empty(errors);
        Assert.Equal([new RawEvent("a", "2026-01-10T11:00:00Z", "{\"x\":1}", "k"), new RawEvent("b", "1768046400000", null, null)], events);
    }

    [Fact]
    public void Parse_NdjsonWithBadLine_ErrorNamesIndex()
    {
        var errors = new List<EventError>();

        var events = EventParser.Parse(Encoding.UTF8.GetBytes("{\"event_type\":\"a\",\"timestamp\":\"2026-01-10T11:00:00Z\"}\n\n{\"event_type\":\n{\"event_type\":\"c\",\"timestamp\":\"2026-01-10T11:00:00Z\",\"amount\":3}\n"), errors);

        Assert.Equal(["a", "c"], events.Select(e => e.EventType));
        Assert.Equal([(1L, "$"), (2L, "amount")], errors.Select(e => (e.Index, e.Field)));
    }

    [Fact]
    public void Parse_WrongFieldTypes_NameTheField()
    {
        var errors = new List<EventError>();

        EventParser.Parse(Encoding.UTF8.GetBytes("""[{"event_type":3,"timestamp":true,"payload":[1]}, 5]"""), errors);

        Assert.Equal([(0L, "event_type"), (0L, "timestamp"), (0L, "payload"), (1L, "$")], errors.Select(e => (e.Index, e.Field)));
    }

    [Fact]
    public void ReadCsv_QuotedJsonPayload_ParsedWithLineNumbers()
    {
        var errors = new List<EventError>();
        var csv = "event_type,timestamp,payload\nsignup,2026-01-10T11:00:00Z,\"{\"\"plan\"\":\"\"pro, yearly\"\"}\"\norder,2026-01-10T11:01:00Z,\nbad,2026-01-10T11:02:00Z,notjson\n";

        var rows = EventParser.ReadCsv(new StringReader(csv), errors).ToList();

        Assert.Equal([2L, 3L, 4L], rows.Select(r => r.Line));
        Assert.Equal("{\"plan\":\"pro, yearly\"}", rows[0].Event!.PayloadJson);
        Assert.Null(rows[1].Event!.PayloadJson);
        Assert.Null(rows[2].Event);
        Assert.Equal((4L, "payload"), (Assert.Single(errors).Index, errors[0].Field));
    }
    [Fact]
    public void Parse_NdjsonBreakInSecondLine_ErrorNamesIndexAndByteOfTheBodyWithoutDotNetInternals()
    {
        var errors = new List<EventError>();
        const string body = "{\"event_type\":\"a\",\"timestamp\":\"2026-01-10T11:00:00Z\"}\n{\"event_type\":\"b\",,\"timestamp\":1}\n";

        EventParser.Parse(Encoding.UTF8.GetBytes(body), errors);

        var error = Assert.Single(errors);
        Assert.Equal((1L, "$"), (error.Index, error.Field));
        Assert.StartsWith(FormattableString.Invariant($"invalid JSON at byte {body.IndexOf(",,", StringComparison.Ordinal) + 1} of the body: "), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[{\"event_type\":\"a\",\"timestamp\":1}, {\"event_type\":\"b\",\n \"timestamp\":1,}]", 1)]
    [InlineData("[{\"event_type\":\"a\",\"timestamp\":1}, {\"event_type\":\"b\",\"timestamp\":1}, {\"event_type\":", 2)]
    [InlineData("[{\"event_type\":\"a\",\"timestamp\":1}, {\"event_type\":\"b\",\"timestamp\":1} {\"event_type\":\"c\"}]", 2)]
    [InlineData("[{\"event_type\":\"a\",\"payload\":{\"x\":{\"y\":1,\"y\":2}},\"timestamp\":1}]", 0)]
    public void Parse_ArrayWithBreak_ErrorNamesTheEventWhereItBreaks(string body, long index)
    {
        var errors = new List<EventError>();

        EventParser.Parse(Encoding.UTF8.GetBytes(body), errors);

        var error = Assert.Single(errors);
        Assert.Equal(index, error.Index);
        Assert.Matches("^invalid JSON at byte [0-9]+ of the body: [^\n]+$", error.Message);
        Assert.DoesNotContain("BytePositionInLine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicatePropertyInNestedPayload_RejectedWithItsName()
    {
        var errors = new List<EventError>();

        var events = EventParser.Parse(Encoding.UTF8.GetBytes("{\"event_type\":\"a\",\"timestamp\":1,\"payload\":{\"cart\":{\"id\":1,\"id\":2}}}\n"), errors);

        Assert.Empty(events);
        Assert.Contains("duplicate property 'id'", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_PayloadWithDuplicateProperty_Rejected()
    {
        var errors = new List<EventError>();

        var rows = EventParser.ReadCsv(new StringReader("event_type,timestamp,payload\norder,1,\"{\"\"a\"\":1,\"\"a\"\":2}\"\n"), errors).ToList();

        Assert.Null(Assert.Single(rows).Event);
        Assert.Contains("duplicate property 'a'", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event_type,timestamp,payload,idempotency_key")]
    [InlineData("event_type,event_timestamp,payload,idempotency_key")]
    [InlineData("idempotency_key,payload,timestamp,event_type")]
    public void ReadCsv_DocumentedHeaders_Accepted(string header)
    {
        var errors = new List<EventError>();
        var columns = header.Split(',');
        var values = columns.Select(c => c switch { "event_type" => "order", "payload" => "\"{\"\"a\"\":1}\"", "idempotency_key" => "k", _ => "2026-01-10T11:00:00Z" });

        var rows = EventParser.ReadCsv(new StringReader(header + "\n" + string.Join(',', values) + "\n"), errors).ToList();

        Assert.Empty(errors);
        Assert.Equal(new RawEvent("order", "2026-01-10T11:00:00Z", "{\"a\":1}", "k"), Assert.Single(rows).Event);
    }

    [Fact]
    public void CsvColumns_AsDocumented_MatchTheDocsAndTheParser()
    {
        // The help text of `vigil events import` shows EventParser.CsvColumns; the docs must say the same thing.
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "business-metrics.md"));

        Assert.Contains($"`{EventParser.CsvColumns}`", docs, StringComparison.Ordinal);
        Assert.Equal("event_type,timestamp[,payload][,idempotency_key]", EventParser.CsvColumns);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
