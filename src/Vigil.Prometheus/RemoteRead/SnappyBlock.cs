namespace Vigil.Prometheus.RemoteRead;

/// <summary>
/// The snappy block format (https://github.com/google/snappy/blob/main/format_description.txt) that remote-read bodies
/// use, decoded span to span into a buffer the caller keeps: a library decoder returns a new array per body, ≈ 40 MB
/// on the large object heap every cycle at 100k series. Requests are a few hundred bytes and are written as one literal,
/// which every decoder accepts (the format does not require compression).
/// </summary>
internal static class SnappyBlock
{
    private const int TagLiteral = 0;
    private const int TagCopy1 = 1;
    private const int TagCopy2 = 2;

    /// <summary>The decoded length from the block's preamble.</summary>
    /// <exception cref="PrometheusResponseException">No valid preamble.</exception>
    public static long DecodedLength(ReadOnlySpan<byte> block, out int preamble)
    {
        ulong length = 0;
        for (var i = 0; i < 5; i++)
        {
            if (i >= block.Length)
            {
                break;
            }

            var b = block[i];
            length |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                preamble = i + 1;
                return length <= uint.MaxValue ? (long)length : throw Corrupt("the decoded length exceeds 4 GiB");
            }
        }

        throw Corrupt("the block has no valid length preamble");
    }

    /// <summary>Decodes <paramref name="block"/> into <paramref name="output"/>, which must hold <see cref="DecodedLength"/> bytes; returns that length.</summary>
    /// <exception cref="PrometheusResponseException">The block is corrupt or truncated.</exception>
    public static int Decode(ReadOnlySpan<byte> block, Span<byte> output)
    {
        var length = DecodedLength(block, out var s);
        if (length > output.Length)
        {
            throw new ArgumentException("output is shorter than the decoded length", nameof(output));
        }

        var d = 0;
        var end = (int)length;
        while (s < block.Length)
        {
            var tag = block[s];
            int copyLength, offset;
            switch (tag & 3)
            {
                case TagLiteral:
                    var literal = tag >> 2;
                    s++;
                    if (literal >= 60)
                    {
                        // 60..63: the length - 1 follows in 1..4 little-endian bytes.
                        var bytes = literal - 59;
                        if (s + bytes > block.Length)
                        {
                            throw Corrupt("truncated literal length");
                        }

                        long l = 0;
                        for (var i = 0; i < bytes; i++)
                        {
                            l |= (long)block[s + i] << (8 * i);
                        }

                        s += bytes;
                        if (l >= int.MaxValue)
                        {
                            throw Corrupt("literal longer than the block");
                        }

                        literal = (int)l;
                    }

                    literal++;
                    if (literal > block.Length - s || literal > end - d)
                    {
                        throw Corrupt("literal runs past the end of the block or of the decoded length");
                    }

                    block.Slice(s, literal).CopyTo(output[d..]);
                    s += literal;
                    d += literal;
                    continue;
                case TagCopy1:
                    if (s + 2 > block.Length)
                    {
                        throw Corrupt("truncated copy");
                    }

                    copyLength = 4 + ((tag >> 2) & 7);
                    offset = ((tag & 0xE0) << 3) | block[s + 1];
                    s += 2;
                    break;
                case TagCopy2:
                    if (s + 3 > block.Length)
                    {
                        throw Corrupt("truncated copy");
                    }

                    copyLength = 1 + (tag >> 2);
                    offset = block[s + 1] | (block[s + 2] << 8);
                    s += 3;
                    break;
                default:
                    if (s + 5 > block.Length)
                    {
                        throw Corrupt("truncated copy");
                    }

                    copyLength = 1 + (tag >> 2);
                    var wide = (uint)(block[s + 1] | (block[s + 2] << 8) | (block[s + 3] << 16) | (block[s + 4] << 24));
                    offset = wide > int.MaxValue ? int.MaxValue : (int)wide;
                    s += 5;
                    break;
            }

            if (offset <= 0 || offset > d || copyLength > end - d)
            {
                throw Corrupt("copy out of range");
            }

            if (offset >= copyLength)
            {
                output.Slice(d - offset, copyLength).CopyTo(output[d..]);
            }
            else
            {
                // Overlapping: a run that repeats its last offset bytes, copied forwards byte by byte as the format defines.
                for (var i = 0; i < copyLength; i++)
                {
                    output[d + i] = output[d - offset + i];
                }
            }

            d += copyLength;
        }

        return d == end ? d : throw Corrupt($"the block decodes to {d} bytes but its preamble says {end}");
    }

    /// <summary>One block holding <paramref name="data"/> as literals (no compression: requests are small).</summary>
    public static byte[] EncodeLiteral(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length + 16);
        var n = (uint)data.Length;
        while (n >= 0x80)
        {
            output.Add((byte)(n | 0x80));
            n >>= 7;
        }

        output.Add((byte)n);
        for (var s = 0; s < data.Length;)
        {
            // 65,536 bytes a literal at most, with a 2-byte length (tag 61).
            var chunk = Math.Min(65_536, data.Length - s);
            var l = chunk - 1;
            if (l < 60)
            {
                output.Add((byte)(l << 2));
            }
            else if (l < 256)
            {
                output.Add(60 << 2);
                output.Add((byte)l);
            }
            else
            {
                output.Add(61 << 2);
                output.Add((byte)l);
                output.Add((byte)(l >> 8));
            }

            output.AddRange(data.Slice(s, chunk));
            s += chunk;
        }

        return [.. output];
    }

    private static PrometheusResponseException Corrupt(string what) => new($"corrupt snappy block in the remote-read response: {what}");
}
