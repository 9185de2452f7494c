using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Vigil.Prometheus;

namespace Vigil.Benchmarks;

/// <summary>
/// Parse of a query_range body of 100k series x 10 points with realistic label sets. Reported per sample
/// (OperationsPerInvoke), so Mean is ns/sample and 1e9 / Mean is samples/s; Allocated is bytes/sample.
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*ResponseParser*' --job short
/// </summary>
[MemoryDiagnoser]
public class ResponseParserBenchmarks
{
    private const int SeriesCount = 100_000;
    private const int PointsPerSeries = 10;
    private const int Samples = SeriesCount * PointsPerSeries;

    private byte[] _body = [];
    private LabelSetCache _warmLabelSets = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = GenerateMatrix(SeriesCount, PointsPerSeries);
        _warmLabelSets = new LabelSetCache(1 << 20);
        PrometheusResponseParser.Parse(_body, ExpectedResult.QueryRange, _warmLabelSets);
    }

    /// <summary>First sight of every series: each label set is parsed and a Labels built.</summary>
    [Benchmark(OperationsPerInvoke = Samples, Baseline = true)]
    public int ParseQueryRangeCold()
    {
        var parsed = PrometheusResponseParser.Parse(_body, ExpectedResult.QueryRange);
        return parsed.Batch.SampleCount;
    }

    /// <summary>Steady state of a job polling the same query: label sets come from the client's cache.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public int ParseQueryRangeWarm()
    {
        var parsed = PrometheusResponseParser.Parse(_body, ExpectedResult.QueryRange, _warmLabelSets);
        return parsed.Batch.SampleCount;
    }

    /// <summary>Floor: only tokenizing the same body with Utf8JsonReader, no values parsed, nothing built.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public int TokenizeOnly()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_body);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    /// <summary>A body shaped like Prometheus' own output (sorted labels, integer-second timestamps, 'f'-formatted values).</summary>
    internal static byte[] GenerateMatrix(int seriesCount, int points)
    {
        string[] names = ["node_cpu_seconds_total", "node_network_receive_bytes_total", "http_requests_total", "process_resident_memory_bytes", "node_filesystem_avail_bytes"];
        string[] jobs = ["node", "api", "frontend", "postgres", "kafka"];
        string[] modes = ["idle", "system", "user", "iowait", "irq", "softirq", "steal", "nice"];
        string[] regions = ["eu-west-1", "eu-central-1", "us-east-1"];
        var random = new Random(42);
        var sb = new StringBuilder(seriesCount * ((points * 26) + 200));
        sb.Append("""{"status":"success","data":{"resultType":"matrix","result":[""");
        for (var s = 0; s < seriesCount; s++)
        {
            if (s > 0)
            {
                sb.Append(',');
            }

            // Prometheus sorts labels by name in its output.
            sb.Append("""{"metric":{"__name__":""").Append('"').Append(names[s % names.Length]).Append('"')
              .Append(""","cpu":""").Append('"').Append((s / 8) % 64).Append('"')
              .Append(""","instance":""").Append('"').Append("10.").Append((s / 2000) % 256).Append('.').Append((s / 40) % 50).Append(".7:9100\"")
              .Append(""","job":""").Append('"').Append(jobs[(s / 7) % jobs.Length]).Append('"')
              .Append(""","mode":""").Append('"').Append(modes[s % modes.Length]).Append('"')
              .Append(""","region":""").Append('"').Append(regions[(s / 3) % regions.Length]).Append('"')
              .Append("""},"values":[""");
            var counter = random.Next(0, 1_000_000);
            for (var p = 0; p < points; p++)
            {
                if (p > 0)
                {
                    sb.Append(',');
                }

                counter += random.Next(0, 5000);
                var value = (s % 3) switch
                {
                    0 => counter.ToString(CultureInfo.InvariantCulture),                                     // counters
                    1 => (counter / 1000.0).ToString("0.###", CultureInfo.InvariantCulture),                // seconds
                    _ => (random.NextDouble() * 100).ToString("R", CultureInfo.InvariantCulture),            // gauges, full precision
                };
                sb.Append('[').Append(1_700_000_000 + (p * 60)).Append(",\"").Append(value).Append("\"]");
            }

            sb.Append("]}");
        }

        sb.Append("]}}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
