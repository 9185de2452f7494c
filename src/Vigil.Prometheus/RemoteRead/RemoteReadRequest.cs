namespace Vigil.Prometheus.RemoteRead;

/// <summary>
/// Writes a remote-read <c>ReadRequest</c> (prompb/remote.proto) by hand: one query of the selector's matchers over a
/// time range, accepting the <c>SAMPLES</c> response type, snappy-framed as the API requires. A few hundred bytes once a
/// cycle; a generated message type would bring Google.Protobuf into the source for nothing else.
/// </summary>
internal static class RemoteReadRequest
{
    /// <summary>The snappy-compressed request body.</summary>
    public static byte[] Encode(PromSelector selector, long startMs, long endMs, long stepMs)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var query = new ProtoWriter();
        query.Varint(1, (ulong)startMs);
        query.Varint(2, (ulong)endMs);
        foreach (var matcher in selector.Matchers)
        {
            var m = new ProtoWriter();
            if (matcher.Type != MatcherType.Equal)
            {
                m.Varint(1, (ulong)matcher.Type);
            }

            m.String(2, matcher.Name);
            m.String(3, matcher.Value);
            query.Bytes(3, m.ToArray());
        }

        // Hints as PromQL would send them for the same range; Prometheus' own storage ignores them, others may use them.
        var hints = new ProtoWriter();
        hints.Varint(1, (ulong)stepMs);
        hints.Varint(3, (ulong)startMs);
        hints.Varint(4, (ulong)endMs);
        query.Bytes(4, hints.ToArray());

        var request = new ProtoWriter();
        request.Bytes(1, query.ToArray());
        request.Bytes(2, [0]); // accepted_response_types, packed: [SAMPLES]
        return SnappyBlock.EncodeLiteral(request.ToArray());
    }

    private sealed class ProtoWriter
    {
        private readonly List<byte> _bytes = [];

        public void Varint(int field, ulong value)
        {
            Raw((ulong)field << 3);
            Raw(value);
        }

        public void String(int field, string value) => Bytes(field, System.Text.Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, ReadOnlySpan<byte> value)
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
