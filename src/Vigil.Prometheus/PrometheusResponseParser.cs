using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Vigil.Core.Series;

namespace Vigil.Prometheus;

/// <summary>
/// Streaming parser of Prometheus HTTP API bodies (https://prometheus.io/docs/prometheus/latest/querying/api/)
/// over one UTF-8 span with <see cref="Utf8JsonReader"/>: no DOM, no object graph, nothing allocated per sample.
/// Object keys may come in any order (a proxy may re-encode the body), so the result shape is recognised from the
/// result itself and checked against <c>resultType</c> at the end.
/// </summary>
internal sealed class PrometheusResponseParser
{
    // Body bytes per sample, to size the sample arrays once: a sample is ~20-30 bytes ("[1700000000,\"12.5\"],")
    // plus its share of the series' labels. Over-estimating wastes memory the batch keeps; under-estimating
    // costs one array doubling.
    private const int EstimatedBytesPerSample = 32;

    // An instant vector has one sample per series, so its body is mostly labels (~150-300 bytes per sample).
    private const int EstimatedBytesPerInstantSample = 160;
    private const int MaxPresizedSamples = 1 << 26;

    private readonly SeriesBatch.Builder _builder;
    private readonly Utf8StringCache _names = new(maxEntries: 4096, maxKeyBytes: 256);
    private readonly Utf8StringCache _values = new(maxEntries: 1 << 16, maxKeyBytes: 128, initialCapacity: 1024);
    private readonly ExpectedResult _expected;
    private readonly LabelSetCache? _labelSets;
    private Label[] _labelBuffer = new Label[16];

    // Samples seen before their series' "metric" key: held until the labels are known.
    private long[] _pendingTimestamps = [];
    private double[] _pendingValues = [];
    private int _pendingCount;

    private Labels? _currentLabels;
    private bool _currentBegun;
    private int _seriesIndex;

    // Labels of a cache miss are parsed by a reader over the metric object alone; errors report body offsets.
    private long _positionOffset;

    private string? _status;
    private string? _errorType;
    private string? _error;
    private string? _resultType;
    private bool _dataSeen;
    private ResultShape _shape;
    private long _scalarTimestamp;
    private string? _scalarValue;
    private List<string>? _warnings;
    private List<string>? _infos;
    private int _histogramSeries;
    private int _histogramSamples;

    private PrometheusResponseParser(int jsonLength, ExpectedResult expected, LabelSetCache? labelSets, int expectedSamples, SeriesBatchBuffers? buffers)
    {
        _expected = expected;
        _labelSets = labelSets;
        var bytesPerSample = expected.Allowed.HasFlag(ResultTypes.Vector) ? EstimatedBytesPerInstantSample : EstimatedBytesPerSample;
        var presized = expectedSamples > 0 ? expectedSamples : jsonLength / bytesPerSample;
        _builder = new SeriesBatch.Builder((int)Math.Min(presized, MaxPresizedSamples), 1, buffers);
    }

    private static JsonReaderOptions ReaderOptions => new() { MaxDepth = 64 };

    private enum ResultShape
    {
        Missing,
        Empty,
        SeriesList,
        Pair,
    }

    /// <summary>Parses a whole response body.</summary>
    /// <param name="json">The body.</param>
    /// <param name="expected">Result types the endpoint accepts.</param>
    /// <param name="labelSets">Label sets of earlier responses to reuse (and to add to); null parses every label set.</param>
    /// <param name="expectedSamples">
    /// Samples the body is expected to hold, to size the batch's arrays once (the caller's estimate from similar
    /// responses); 0 estimates them from the body's length. Only the allocation depends on it, never the result.
    /// </param>
    /// <param name="buffers">Arrays of the caller's released batches to build the batch into; null allocates new ones.</param>
    /// <exception cref="PrometheusResponseException">The body is not a usable Prometheus response.</exception>
    public static ParsedResponse Parse(ReadOnlySpan<byte> json, ExpectedResult expected, LabelSetCache? labelSets = null, int expectedSamples = 0, SeriesBatchBuffers? buffers = null)
    {
        var parser = new PrometheusResponseParser(json.Length, expected, labelSets, expectedSamples, buffers);
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            parser.ParseRoot(ref reader, json);
        }
        catch (JsonException ex)
        {
            // The reader's message carries line and byte position ("... LineNumber: 0 | BytePositionInLine: 12.").
            throw new PrometheusResponseException(
                $"malformed JSON in {expected.Endpoint} response ({json.Length} bytes): {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new PrometheusResponseException(
                $"malformed JSON in {expected.Endpoint} response at byte {reader.TokenStartIndex}: {ex.Message}", ex);
        }
        finally
        {
            parser.ReturnPending();
        }

        return parser.Complete();
    }

    /// <summary>Convenience form: the batch and the warnings; a status-error body throws <see cref="PrometheusApiException"/>.</summary>
    public static SeriesBatch Parse(ReadOnlySpan<byte> json, ExpectedResult expected, out IReadOnlyList<string> warnings)
    {
        var parsed = Parse(json, expected);
        if (parsed.IsError)
        {
            throw new PrometheusApiException(parsed.ErrorType!, parsed.Error!, statusCode: null);
        }

        warnings = parsed.Warnings;
        return parsed.Batch;
    }

    private void ParseRoot(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"expected a JSON object but found {Describe(ref reader)}", ref reader);
        }

        while (ReadProperty(ref reader))
        {
            if (reader.ValueTextEquals("status"u8))
            {
                Read(ref reader);
                _status = ReadString(ref reader, "status");
            }
            else if (reader.ValueTextEquals("errorType"u8))
            {
                Read(ref reader);
                _errorType = ReadString(ref reader, "errorType");
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                Read(ref reader);
                _error = ReadString(ref reader, "error");
            }
            else if (reader.ValueTextEquals("warnings"u8))
            {
                Read(ref reader);
                _warnings = ReadStringArray(ref reader, "warnings", _warnings);
            }
            else if (reader.ValueTextEquals("infos"u8))
            {
                Read(ref reader);
                _infos = ReadStringArray(ref reader, "infos", _infos);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.Null)
                {
                    ParseData(ref reader, json);
                }
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }

        // Anything after the root object is an error the reader reports itself (JsonException).
        if (reader.Read())
        {
            throw Error("unexpected content after the response object", ref reader);
        }
    }

    private void ParseData(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"'data' must be an object but is {Describe(ref reader)}", ref reader);
        }

        _dataSeen = true;
        while (ReadProperty(ref reader))
        {
            if (reader.ValueTextEquals("resultType"u8))
            {
                Read(ref reader);
                _resultType = ReadString(ref reader, "data.resultType");
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                Read(ref reader);
                ParseResult(ref reader, json);
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }
    }

    private void ParseResult(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            _shape = ResultShape.Empty;
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error($"'data.result' must be an array but is {Describe(ref reader)}", ref reader);
        }

        Read(ref reader);
        switch (reader.TokenType)
        {
            case JsonTokenType.EndArray:
                _shape = ResultShape.Empty;
                return;
            case JsonTokenType.StartObject:
                _shape = ResultShape.SeriesList;
                do
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw Error($"series {_seriesIndex} in 'data.result' must be an object but is {Describe(ref reader)}", ref reader);
                    }

                    ParseSeries(ref reader, json);
                    _seriesIndex++;
                    Read(ref reader);
                }
                while (reader.TokenType != JsonTokenType.EndArray);
                return;
            case JsonTokenType.Number:
                // Scalar or string result: [<unix seconds>, "<value>"]. Kept raw until resultType is known.
                _shape = ResultShape.Pair;
                _scalarTimestamp = ReadTimestamp(ref reader);
                Read(ref reader);
                _scalarValue = ReadString(ref reader, "data.result[1]");
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    throw Error("'data.result' pair must have exactly two elements", ref reader);
                }

                return;
            default:
                throw Error($"unexpected {Describe(ref reader)} in 'data.result'", ref reader);
        }
    }

    private void ParseSeries(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        _currentLabels = null;
        _currentBegun = false;
        _pendingCount = 0;
        var histogramSamples = 0;

        while (ReadProperty(ref reader))
        {
            if (reader.ValueTextEquals("metric"u8))
            {
                Read(ref reader);
                _currentLabels = _labelSets is null ? ParseLabels(ref reader) : ParseLabelsCached(ref reader, json);
                FlushPending();
            }
            else if (reader.ValueTextEquals("values"u8))
            {
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Error($"'values' of series {_seriesIndex} must be an array but is {Describe(ref reader)}", ref reader);
                }

                Read(ref reader);
                while (reader.TokenType != JsonTokenType.EndArray)
                {
                    ParseSample(ref reader);
                    Read(ref reader);
                }
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                Read(ref reader);
                ParseSample(ref reader);
            }
            else if (reader.ValueTextEquals("histograms"u8))
            {
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Error($"'histograms' of series {_seriesIndex} must be an array but is {Describe(ref reader)}", ref reader);
                }

                Read(ref reader);
                while (reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    histogramSamples++;
                    Read(ref reader);
                }
            }
            else if (reader.ValueTextEquals("histogram"u8))
            {
                Read(ref reader);
                reader.Skip();
                histogramSamples++;
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }

        if (_currentLabels is null)
        {
            // Prometheus always sends "metric" ({} for label-less results); tolerate its absence the same way.
            _currentLabels = Labels.Empty;
            FlushPending();
        }

        if (histogramSamples > 0)
        {
            _histogramSamples += histogramSamples;
            if (!_currentBegun)
            {
                _histogramSeries++;
            }
        }
    }

    private Labels ParseLabelsCached(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"'metric' of series {_seriesIndex} must be an object but is {Describe(ref reader)}", ref reader);
        }

        var start = reader.TokenStartIndex;
        reader.Skip();
        var raw = json[(int)start..(int)reader.BytesConsumed];
        if (_labelSets!.TryGet(raw, out var labels))
        {
            return labels;
        }

        var labelReader = new Utf8JsonReader(raw, ReaderOptions);
        labelReader.Read();
        _positionOffset = start;
        labels = ParseLabels(ref labelReader);
        _positionOffset = 0;
        _labelSets.Add(raw, labels);
        return labels;
    }

    private Labels ParseLabels(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"'metric' of series {_seriesIndex} must be an object but is {Describe(ref reader)}", ref reader);
        }

        var count = 0;
        while (ReadProperty(ref reader))
        {
            var name = ReadCachedString(ref reader, _names);
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Error($"label '{name}' of series {_seriesIndex} must be a string but is {Describe(ref reader)}", ref reader);
            }

            var value = ReadCachedString(ref reader, _values);
            if (count == _labelBuffer.Length)
            {
                Array.Resize(ref _labelBuffer, count * 2);
            }

            _labelBuffer[count++] = new Label(name, value);
        }

        return count == 0 ? Labels.Empty : Labels.FromOwnedArray(_labelBuffer.AsSpan(0, count).ToArray());
    }

    private void ParseSample(ref Utf8JsonReader reader)
    {
        // Hot path: one sample [<float seconds>, "<value>"]. Straight-line checks; every message is built in
        // SampleError so this method stays small enough for the JIT to keep its state in registers.
        long timestamp;
        double value;
        int stage;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            stage = 0;
            goto Fail;
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
        {
            stage = 1;
            goto Fail;
        }

        if (!PrometheusNumbers.TryParseTimestampMs(reader.ValueSpan, out timestamp))
        {
            stage = 2;
            goto Fail;
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            stage = 3;
            goto Fail;
        }

        if (!(reader.ValueIsEscaped ? TryParseEscapedValue(ref reader, out value) : PrometheusNumbers.TryParseValue(reader.ValueSpan, out value)))
        {
            stage = 4;
            goto Fail;
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            stage = 5;
            goto Fail;
        }

        if (_currentBegun)
        {
            _builder.Add(timestamp, value);
        }
        else
        {
            AddFirstOrPending(timestamp, value);
        }

        return;

    Fail:
        throw SampleError(ref reader, stage);
    }

    private void AddFirstOrPending(long timestamp, double value)
    {
        if (_currentLabels is null)
        {
            AddPending(timestamp, value);
            return;
        }

        _builder.BeginSeries(_currentLabels);
        _currentBegun = true;
        _builder.Add(timestamp, value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private PrometheusResponseException SampleError(ref Utf8JsonReader reader, int stage) => stage switch
    {
        0 => Error($"sample of series {_seriesIndex} must be [timestamp, \"value\"] but is {Describe(ref reader)}", ref reader),
        1 => Error($"sample timestamp of series {_seriesIndex} must be a number but is {Describe(ref reader)}", ref reader),
        2 => Error($"unparsable sample timestamp '{Encoding.UTF8.GetString(reader.ValueSpan)}' in series {_seriesIndex}", ref reader),
        3 => Error($"sample value of series {_seriesIndex} must be a string but is {Describe(ref reader)}", ref reader),
        4 => Error($"unparsable sample value '{Truncate(reader.GetString())}' in series {_seriesIndex}{DescribeCurrentSeries()}", ref reader),
        _ => Error($"sample of series {_seriesIndex} must have exactly two elements", ref reader),
    };

    private long ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Error($"sample timestamp of series {_seriesIndex} must be a number but is {Describe(ref reader)}", ref reader);
        }

        if (!PrometheusNumbers.TryParseTimestampMs(reader.ValueSpan, out var timestamp))
        {
            throw Error($"unparsable sample timestamp '{Encoding.UTF8.GetString(reader.ValueSpan)}' in series {_seriesIndex}", ref reader);
        }

        return timestamp;
    }

    private static bool TryParseEscapedValue(ref Utf8JsonReader reader, out double value)
    {
        // Rare: a value string containing JSON escapes (\u0031 ...). Unescape, then parse as usual.
        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var length = reader.CopyString(buffer);
            return PrometheusNumbers.TryParseValue(buffer.AsSpan(0, length), out value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void AddPending(long timestamp, double value)
    {
        if (_pendingCount == _pendingValues.Length)
        {
            var capacity = Math.Max(64, _pendingCount * 2);
            var timestamps = ArrayPool<long>.Shared.Rent(capacity);
            var values = ArrayPool<double>.Shared.Rent(capacity);
            _pendingTimestamps.AsSpan(0, _pendingCount).CopyTo(timestamps);
            _pendingValues.AsSpan(0, _pendingCount).CopyTo(values);
            ReturnPending();
            _pendingTimestamps = timestamps;
            _pendingValues = values;
        }

        _pendingTimestamps[_pendingCount] = timestamp;
        _pendingValues[_pendingCount] = value;
        _pendingCount++;
    }

    private void FlushPending()
    {
        if (_pendingCount == 0)
        {
            return;
        }

        if (!_currentBegun)
        {
            _builder.BeginSeries(_currentLabels!);
            _currentBegun = true;
        }

        for (var i = 0; i < _pendingCount; i++)
        {
            _builder.Add(_pendingTimestamps[i], _pendingValues[i]);
        }

        _pendingCount = 0;
    }

    private void ReturnPending()
    {
        if (_pendingValues.Length > 0)
        {
            ArrayPool<long>.Shared.Return(_pendingTimestamps);
            ArrayPool<double>.Shared.Return(_pendingValues);
            _pendingTimestamps = [];
            _pendingValues = [];
        }
    }

    private ParsedResponse Complete()
    {
        var endpoint = _expected.Endpoint;
        if (_status is null)
        {
            throw new PrometheusResponseException($"missing 'status' in {endpoint} response");
        }

        if (_status == "error")
        {
            return new ParsedResponse
            {
                IsError = true,
                ErrorType = string.IsNullOrEmpty(_errorType) ? "unknown" : _errorType,
                Error = string.IsNullOrEmpty(_error) ? "(no error message)" : _error,
                Warnings = _warnings ?? [],
                Infos = _infos ?? [],
            };
        }

        if (_status != "success")
        {
            throw new PrometheusResponseException($"unexpected status '{Truncate(_status)}' in {endpoint} response (expected success or error)");
        }

        if (!_dataSeen)
        {
            throw new PrometheusResponseException($"missing 'data' in {endpoint} response");
        }

        if (_resultType is null)
        {
            throw new PrometheusResponseException($"missing 'data.resultType' in {endpoint} response");
        }

        if (_shape == ResultShape.Missing)
        {
            throw new PrometheusResponseException($"missing 'data.result' in {endpoint} response");
        }

        var type = _resultType switch
        {
            "matrix" => ResultTypes.Matrix,
            "vector" => ResultTypes.Vector,
            "scalar" => ResultTypes.Scalar,
            "string" => ResultTypes.String,
            _ => ResultTypes.None,
        };

        if ((type & _expected.Allowed) == 0)
        {
            throw new PrometheusResponseException(
                $"unexpected resultType '{Truncate(_resultType)}' for {endpoint} (expected {_expected.DescribeAllowed()})");
        }

        SeriesBatch batch;
        if (type is ResultTypes.Matrix or ResultTypes.Vector)
        {
            if (_shape == ResultShape.Pair)
            {
                throw new PrometheusResponseException(
                    $"resultType '{_resultType}' in {endpoint} response but 'data.result' is a [timestamp, value] pair, not a list of series");
            }

            batch = _builder.Build();
        }
        else
        {
            batch = BuildPairResult(endpoint);
        }

        return new ParsedResponse
        {
            IsError = false,
            ResultType = _resultType,
            Batch = batch,
            Warnings = _warnings ?? [],
            Infos = _infos ?? [],
            SkippedHistogramSeries = _histogramSeries,
            SkippedHistogramSamples = _histogramSamples,
        };
    }

    private SeriesBatch BuildPairResult(string endpoint)
    {
        if (_shape != ResultShape.Pair)
        {
            throw new PrometheusResponseException(
                $"resultType '{_resultType}' in {endpoint} response but 'data.result' is not a [timestamp, value] pair");
        }

        if (!PrometheusNumbers.TryParseValue(Encoding.UTF8.GetBytes(_scalarValue!), out var value))
        {
            throw new PrometheusResponseException($"unparsable scalar value '{Truncate(_scalarValue)}' in {endpoint} response");
        }

        var builder = new SeriesBatch.Builder(1);
        builder.BeginSeries(Labels.Empty);
        builder.Add(_scalarTimestamp, value);
        return builder.Build();
    }

    private string DescribeCurrentSeries() => _currentLabels is null ? string.Empty : " " + Truncate(_currentLabels.ToString());

    private static string ReadCachedString(ref Utf8JsonReader reader, Utf8StringCache cache) =>
        reader.ValueIsEscaped ? reader.GetString()! : cache.GetOrAdd(reader.ValueSpan);

    private string ReadString(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Error($"'{field}' must be a string but is {Describe(ref reader)}", ref reader);
        }

        return reader.GetString()!;
    }

    private List<string> ReadStringArray(ref Utf8JsonReader reader, string field, List<string>? list)
    {
        list ??= [];
        if (reader.TokenType == JsonTokenType.Null)
        {
            return list;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Error($"'{field}' must be an array of strings but is {Describe(ref reader)}", ref reader);
        }

        Read(ref reader);
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(ReadString(ref reader, field));
            Read(ref reader);
        }

        return list;
    }

    /// <summary>Moves to the next property name; false at the end of the current object.</summary>
    private bool ReadProperty(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Read(ref Utf8JsonReader reader)
    {
        // With isFinalBlock the reader throws on truncation itself; this guards the end of an empty document.
        if (!reader.Read())
        {
            throw Error("unexpected end of the response body", ref reader);
        }
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        var other => other.ToString(),
    };

    private PrometheusResponseException Error(string what, ref Utf8JsonReader reader) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{what} in {_expected.Endpoint} response (at byte {reader.TokenStartIndex + _positionOffset})"));

    private static string Truncate(string? text) =>
        text is null ? string.Empty : text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 120), "...");
}
