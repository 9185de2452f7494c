using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Series;

namespace Vigil.Prometheus.Tests;

public sealed class PrometheusResponseParserPropertyTests
{
    private static readonly string[] LabelNames = ["__name__", "instance", "job", "le", "path", "code", "zone"];

    private static Gen<string> LabelValue { get; } = Gen.OneOf(
        Gen.Elements("", "node", "10.0.0.1:9100", "+Inf", "/api/v1/query", "Grüße", "a\"b\\c", "<tag>&", "tab\there", "日本"),
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null));

    private static Gen<double> SampleValue { get; } = Gen.OneOf(
        ArbMap.Default.GeneratorFor<double>(),
        Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e-5, 0.1, 123456789.123, double.MaxValue, double.Epsilon));

    private static Gen<GeneratedSeries> Series { get; } =
        from names in Gen.SubListOf(LabelNames)
        from values in Gen.ArrayOf(LabelValue, names.Count)
        from sampleCount in Gen.Choose(0, 6)
        from seconds in Gen.ArrayOf(Gen.Choose(0, 2_000_000_000), sampleCount)
        from millis in Gen.ArrayOf(Gen.Choose(0, 999), sampleCount)
        from samples in Gen.ArrayOf(SampleValue, sampleCount)
        from metricFirst in ArbMap.Default.GeneratorFor<bool>()
        select new GeneratedSeries(
            [.. names.Select((n, i) => new Label(n, values[i]))],
            [.. seconds.Select((s, i) => (s * 1000L) + millis[i])],
            samples,
            metricFirst);

    private static Gen<(GeneratedSeries[] Series, bool RelaxedEscaping)> Responses { get; } =
        from series in Gen.ArrayOf(Series)
        from relaxed in ArbMap.Default.GeneratorFor<bool>()
        select (series, relaxed);

    [Fact]
    public void Parse_GeneratedMatrix_RoundTripsLabelsTimestampsAndValues()
    {
        Prop.ForAll(Responses.ToArbitrary(), response =>
        {
            var json = Write(response.Series, response.RelaxedEscaping);
            var batch = PrometheusResponseParser.Parse(json, ExpectedResult.QueryRange).Batch;

            // Series without samples carry nothing to analyse and are not emitted.
            var expected = response.Series.Where(s => s.Timestamps.Length > 0).ToArray();
            if (batch.SeriesCount != expected.Length)
            {
                return false;
            }

            for (var i = 0; i < expected.Length; i++)
            {
                if (!batch.GetLabels(i).Equals(Labels.From(expected[i].Labels))
                    || !batch.GetTimestamps(i).SequenceEqual(expected[i].Timestamps)
                    || !SameDoubles(batch.GetValues(i), expected[i].Values))
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parse_WithLabelSetCache_GivesTheSameBatchAsWithout()
    {
        // One cache across all generated responses, as the client keeps it across polls.
        var cache = new LabelSetCache(maxEntries: 64);
        Prop.ForAll(Responses.ToArbitrary(), response =>
        {
            var json = Write(response.Series, response.RelaxedEscaping);
            var plain = PrometheusResponseParser.Parse(json, ExpectedResult.QueryRange).Batch;
            var first = PrometheusResponseParser.Parse(json, ExpectedResult.QueryRange, cache).Batch;
            var second = PrometheusResponseParser.Parse(json, ExpectedResult.QueryRange, cache).Batch;
            return SameBatch(plain, first) && SameBatch(plain, second);
        }).QuickCheckThrowOnFailure();
    }

    private static bool SameBatch(SeriesBatch expected, SeriesBatch actual)
    {
        if (expected.SeriesCount != actual.SeriesCount)
        {
            return false;
        }

        for (var i = 0; i < expected.SeriesCount; i++)
        {
            if (!expected.GetLabels(i).Equals(actual.GetLabels(i))
                || !expected.GetTimestamps(i).SequenceEqual(actual.GetTimestamps(i))
                || !SameDoubles(actual.GetValues(i), expected.GetValues(i).ToArray()))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameDoubles(ReadOnlySpan<double> actual, double[] expected)
    {
        if (actual.Length != expected.Length)
        {
            return false;
        }

        for (var i = 0; i < actual.Length; i++)
        {
            // Bit equality keeps -0.0 apart from 0.0; any NaN matches NaN.
            var same = double.IsNaN(expected[i])
                ? double.IsNaN(actual[i])
                : BitConverter.DoubleToInt64Bits(actual[i]) == BitConverter.DoubleToInt64Bits(expected[i]);
            if (!same)
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Write(GeneratedSeries[] series, bool relaxedEscaping)
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions { Encoder = relaxedEscaping ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default };
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "success");
            writer.WriteStartObject("data");
            writer.WriteString("resultType", "matrix");
            writer.WriteStartArray("result");
            foreach (var s in series)
            {
                writer.WriteStartObject();
                if (s.MetricFirst)
                {
                    WriteMetric(writer, s);
                }

                writer.WriteStartArray("values");
                for (var i = 0; i < s.Timestamps.Length; i++)
                {
                    writer.WriteStartArray();
                    writer.WriteNumberValue(s.Timestamps[i] / 1000m);
                    writer.WriteStringValue(FormatGo(s.Values[i]));
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                if (!s.MetricFirst)
                {
                    WriteMetric(writer, s);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteMetric(Utf8JsonWriter writer, GeneratedSeries s)
    {
        writer.WriteStartObject("metric");
        foreach (var label in s.Labels)
        {
            writer.WriteString(label.Name, label.Value);
        }

        writer.WriteEndObject();
    }

    // Prometheus (Go) spelling of special values; everything else in .NET's shortest round-trip form.
    private static string FormatGo(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal sealed record GeneratedSeries(Label[] Labels, long[] Timestamps, double[] Values, bool MetricFirst);
}
