using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Vigil.Postgres.Ingest;

namespace Vigil.Benchmarks;

/// <summary>
/// Parse of a POST /api/v1/events body: 10 000 NDJSON events with a small payload and a key. Reported per event
/// (OperationsPerInvoke). The two JsonDocument methods parse the same lines with duplicate properties allowed
/// (the .NET default, last wins) and rejected (what the parser does), so their difference is the price of the check;
/// EventParserNdjson is the whole parse (fields read into RawEvent).
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*EventParserBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class EventParserBenchmarks
{
    private const int Events = 10_000;
    private static readonly JsonDocumentOptions DuplicatesAllowed = new() { MaxDepth = 64 };
    private static readonly JsonDocumentOptions DuplicatesRejected = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Events; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $$"""{"event_type":"type_{{i % 8}}","timestamp":"2026-01-10T11:00:{{i % 60:00}}Z","payload":{"amount":{{i}},"currency":"EUR","plan":"free"},"idempotency_key":"k-{{i}}"}""").Append('\n');
        }

        _body = Encoding.UTF8.GetBytes(text.ToString());
    }

    [Benchmark(OperationsPerInvoke = Events, Baseline = true)]
    public int JsonDocumentPerLineDuplicatesAllowed() => ParseLines(DuplicatesAllowed);

    [Benchmark(OperationsPerInvoke = Events)]
    public int JsonDocumentPerLineDuplicatesRejected() => ParseLines(DuplicatesRejected);

    [Benchmark(OperationsPerInvoke = Events)]
    public int EventParserNdjson()
    {
        var errors = new List<EventError>();
        return EventParser.Parse(_body, errors).Count + errors.Count;
    }

    private int ParseLines(JsonDocumentOptions options)
    {
        var count = 0;
        ReadOnlyMemory<byte> rest = _body;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            using var document = JsonDocument.Parse(rest[..newline], options);
            count += document.RootElement.GetPropertyCount();
            rest = rest[(newline + 1)..];
        }

        return count;
    }
}
