using System.Globalization;
using Vigil.Core.Series;

namespace Vigil.Prometheus.RemoteRead;

/// <summary>
/// Reads a decoded remote-read <c>ReadResponse</c> (prompb: results → timeseries → labels and samples) into a
/// <see cref="SeriesBatch"/> of the same points a range query of the selector returns: for every step <c>t</c> of
/// [start, end], the newest sample at or before <c>t</c> and at most the look-back delta older (Prometheus 2's
/// closed look-back window), nothing after a staleness marker. Raw samples are what remote-read gives, so this is
/// PromQL's selector evaluation, done here. A straight walk over the body: no message objects, nothing per sample;
/// label sets come from the client's cache keyed by their raw bytes, so a steady cycle builds no <see cref="Labels"/>.
/// </summary>
internal static class RemoteReadParser
{
    // Prometheus' staleness marker (value.StaleNaN): a NaN with this payload ends a series at its timestamp.
    private const ulong StaleNaNBits = 0x7ff0000000000002;

    /// <summary>The steps of one read: <paramref name="StartMs"/>, +<paramref name="StepMs"/>, … up to <paramref name="EndMs"/>.</summary>
    public readonly record struct Steps(long StartMs, long EndMs, long StepMs, long LookbackMs)
    {
        public long Count => ((EndMs - StartMs) / StepMs) + 1;
    }

    /// <exception cref="PrometheusResponseException">The body is not a well-formed <c>ReadResponse</c>.</exception>
    public static (SeriesBatch Batch, int SkippedHistogramSeries) Parse(ReadOnlySpan<byte> body, Steps steps, LabelSetCache labelSets, int expectedSamples, SeriesBatchBuffers? buffers)
    {
        ArgumentNullException.ThrowIfNull(labelSets);
        var builder = new SeriesBatch.Builder(expectedSamples, 1, buffers);
        var names = new Utf8StringCache(maxEntries: 4096, maxKeyBytes: 256);
        var values = new Utf8StringCache(maxEntries: 1 << 16, maxKeyBytes: 128, initialCapacity: 1024);
        var context = new Context(steps, labelSets, names, values);
        var response = new ProtoReader(body, 0);
        var skippedHistogramSeries = 0;
        while (response.Next(out var field, out var wire))
        {
            if (field != 1 || wire != ProtoReader.WireBytes)
            {
                response.Skip(wire);
                continue;
            }

            var result = response.Message();
            while (result.Next(out var f, out var w))
            {
                if (f != 1 || w != ProtoReader.WireBytes)
                {
                    result.Skip(w);
                    continue;
                }

                if (!ReadSeries(result.Message(), builder, ref context))
                {
                    skippedHistogramSeries++;
                }
            }
        }

        return (builder.Build(), skippedHistogramSeries);
    }

    // False when the series held histograms and no float samples (Vigil analyses floats, as the JSON path).
    private static bool ReadSeries(ProtoReader series, SeriesBatch.Builder builder, ref Context context)
    {
        // Labels come first in every encoder we know of (field order); their bytes, contiguous, are the cache key.
        int labelsStart = -1, labelsEnd = -1;
        var contiguous = true;
        var hasSamples = false;
        var hasHistograms = false;
        var scan = series;
        while (scan.Next(out var field, out var wire))
        {
            var at = scan.FieldStart;
            scan.Skip(wire);
            if (field == 1 && wire == ProtoReader.WireBytes)
            {
                if (labelsStart < 0)
                {
                    labelsStart = at;
                }
                else if (labelsEnd != at)
                {
                    contiguous = false;
                }

                labelsEnd = scan.Position;
            }
            else if (field == 2 && wire == ProtoReader.WireBytes)
            {
                hasSamples = true;
            }
            else if (field == 4)
            {
                hasHistograms = true;
            }
        }

        if (!hasSamples)
        {
            return !hasHistograms;
        }

        Labels? labels = null;
        var emitted = false;
        var steps = context.Steps;
        var k = 0L;
        var n = steps.Count;
        var t = steps.StartMs;
        var haveLast = false;
        long lastTs = 0;
        double lastValue = 0;
        var walk = series;
        while (walk.Next(out var field, out var wire))
        {
            if (field != 2 || wire != ProtoReader.WireBytes)
            {
                walk.Skip(wire);
                continue;
            }

            var sample = walk.Message();
            double value = 0;
            long ts = 0;
            while (sample.Next(out var f, out var w))
            {
                if (f == 1 && w == ProtoReader.WireFixed64)
                {
                    value = BitConverter.Int64BitsToDouble(sample.Fixed64());
                }
                else if (f == 2 && w == ProtoReader.WireVarint)
                {
                    ts = (long)sample.Varint();
                }
                else
                {
                    sample.Skip(w);
                }
            }

            if (haveLast && ts < lastTs)
            {
                throw walk.Error(string.Create(CultureInfo.InvariantCulture, $"samples out of order ({ts} after {lastTs})"));
            }

            // Every step before this sample takes the newest sample before it.
            while (k < n && ts > t)
            {
                if (haveLast && lastTs >= t - steps.LookbackMs && BitConverter.DoubleToUInt64Bits(lastValue) != StaleNaNBits)
                {
                    labels ??= ResolveLabels(series, labelsStart, labelsEnd, contiguous, ref context);
                    if (!emitted)
                    {
                        builder.BeginSeries(labels);
                        emitted = true;
                    }

                    builder.Add(t, lastValue);
                }

                k++;
                t += steps.StepMs;
            }

            lastTs = ts;
            lastValue = value;
            haveLast = true;
        }

        for (; k < n && haveLast; k++, t += steps.StepMs)
        {
            if (lastTs >= t - steps.LookbackMs && BitConverter.DoubleToUInt64Bits(lastValue) != StaleNaNBits)
            {
                labels ??= ResolveLabels(series, labelsStart, labelsEnd, contiguous, ref context);
                if (!emitted)
                {
                    builder.BeginSeries(labels);
                    emitted = true;
                }

                builder.Add(t, lastValue);
            }
        }

        return true;
    }

    private static Labels ResolveLabels(ProtoReader series, int start, int end, bool contiguous, ref Context context)
    {
        if (start < 0)
        {
            return Labels.Empty;
        }

        var raw = series.Body[start..end];
        if (contiguous && context.LabelSets.TryGet(raw, out var cached))
        {
            return cached;
        }

        var items = new List<Label>(8);
        var reader = series;
        while (reader.Next(out var field, out var wire))
        {
            if (field != 1 || wire != ProtoReader.WireBytes)
            {
                reader.Skip(wire);
                continue;
            }

            var label = reader.Message();
            string? name = null, value = null;
            while (label.Next(out var f, out var w))
            {
                if (f is 1 or 2 && w == ProtoReader.WireBytes)
                {
                    var text = label.BytesField();
                    var s = f == 1 ? context.Names.GetOrAdd(text) : context.Values.GetOrAdd(text);
                    if (f == 1)
                    {
                        name = s;
                    }
                    else
                    {
                        value = s;
                    }
                }
                else
                {
                    label.Skip(w);
                }
            }

            if (string.IsNullOrEmpty(name))
            {
                throw label.Error("a label without a name");
            }

            items.Add(new Label(name, value ?? string.Empty));
        }

        var labels = Labels.FromOwnedArray([.. items]);
        if (contiguous)
        {
            context.LabelSets.Add(raw, labels);
        }

        return labels;
    }

    private ref struct Context(Steps steps, LabelSetCache labelSets, Utf8StringCache names, Utf8StringCache values)
    {
        public readonly Steps Steps = steps;
        public readonly LabelSetCache LabelSets = labelSets;
        public readonly Utf8StringCache Names = names;
        public readonly Utf8StringCache Values = values;
    }
}
