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
}
