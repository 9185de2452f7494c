using Vigil.Prometheus.RemoteRead;

namespace Vigil.Prometheus.Tests.TestSupport;

/// <summary>Writes remote-read <c>ReadResponse</c> bodies (prompb) for tests: series of labels and samples, snappy-framed.</summary>
internal sealed class ReadResponseWriter
{
    private readonly List<byte[]> _series = [];

    /// <summary>Staleness marker as Prometheus writes it.</summary>
    public static readonly double StaleNaN = BitConverter.UInt64BitsToDouble(0x7ff0000000000002);

    public ReadResponseWriter Series(IEnumerable<(string Name, string Value)> labels, params (long Ts, double Value)[] samples)
    {
        var series = new Proto();
        foreach (var (name, value) in labels)
        {
            var label = new Proto();
            label.String(1, name);
            label.String(2, value);
            series.Message(1, label);
        }

        foreach (var (ts, value) in samples)
        {
            var sample = new Proto();
            sample.Fixed64(1, BitConverter.DoubleToInt64Bits(value));
            sample.Varint(2, (ulong)ts);
            series.Message(2, sample);
        }

        _series.Add(series.ToArray());
        return this;
    }

    /// <summary>A series with a native histogram and no float samples.</summary>
    public ReadResponseWriter HistogramSeries(IEnumerable<(string Name, string Value)> labels)
    {
        var series = new Proto();
        foreach (var (name, value) in labels)
        {
            var label = new Proto();
            label.String(1, name);
            label.String(2, value);
            series.Message(1, label);
        }

        var histogram = new Proto();
        histogram.Varint(15, 1_700_000_000_000); // timestamp; the rest does not matter to the reader
        series.Message(4, histogram);
        _series.Add(series.ToArray());
        return this;
    }

    /// <summary>The protobuf bytes, not yet snappy-framed.</summary>
    public byte[] Protobuf()
    {
        var result = new Proto();
        foreach (var series in _series)
        {
            result.Bytes(1, series);
        }

        var response = new Proto();
        response.Bytes(1, result.ToArray());
        return response.ToArray();
    }

    public byte[] Snappy() => SnappyBlock.EncodeLiteral(Protobuf());

    public static (string, string)[] L(params string[] pairs) =>
        [.. Enumerable.Range(0, pairs.Length / 2).Select(i => (pairs[2 * i], pairs[(2 * i) + 1]))];

    private sealed class Proto
    {
        private readonly List<byte> _bytes = [];

        public void Varint(int field, ulong value)
        {
            Raw((ulong)field << 3);
            Raw(value);
        }

        public void Fixed64(int field, long value)
        {
            Raw(((ulong)field << 3) | 1);
            _bytes.AddRange(BitConverter.GetBytes(value));
        }

        public void String(int field, string value) => Bytes(field, System.Text.Encoding.UTF8.GetBytes(value));

        public void Message(int field, Proto message) => Bytes(field, message.ToArray());

        public void Bytes(int field, byte[] value)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)value.Length);
            _bytes.AddRange(value);
        }

        public byte[] ToArray() => [.. _bytes];

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
        }
    }
}
