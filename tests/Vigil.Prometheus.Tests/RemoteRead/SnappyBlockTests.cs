using System.Text;
using Vigil.Prometheus.RemoteRead;

namespace Vigil.Prometheus.Tests.RemoteRead;

public sealed class SnappyBlockTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(65_536)]
    [InlineData(200_001)]
    public void EncodeLiteral_ThenDecode_GivesTheBytesBack(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var block = SnappyBlock.EncodeLiteral(data);
        var output = new byte[SnappyBlock.DecodedLength(block, out _)];

        var written = SnappyBlock.Decode(block, output);

        Assert.Equal(length, written);
        Assert.Equal(data, output);
    }

    [Fact]
    public void Decode_OverlappingAndTwoByteCopies_RepeatsEarlierBytes()
    {
        // "abcd", a 1-byte-offset copy of 8 bytes at offset 4 (overlapping: the run repeats), then a 2-byte-offset copy
        // of 3 bytes at offset 12: "abcd" + "abcdabcd" + "abc".
        byte[] block = [15, 3 << 2, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0b000_100_01, 4, (2 << 2) | 2, 12, 0];
        var output = new byte[15];

        SnappyBlock.Decode(block, output);

        Assert.Equal("abcdabcdabcdabc", Encoding.ASCII.GetString(output));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80 })]
    public void DecodedLength_NoPreamble_ThrowsResponseException(byte[] block)
    {
        Assert.Throws<PrometheusResponseException>(() => SnappyBlock.DecodedLength(block, out _));
    }

    [Theory]
    [InlineData(new byte[] { 4, 3 << 2, 1, 2 }, "literal runs past")] // a 4-byte literal with 2 bytes left
    [InlineData(new byte[] { 8, 0, 1, 0b000_000_01, 5 }, "copy out of range")] // copy from before the start
    [InlineData(new byte[] { 9, 3 << 2, 1, 2, 3, 4 }, "preamble says 9")] // stops short of the declared length
    [InlineData(new byte[] { 2, 3 << 2, 1, 2, 3, 4 }, "literal runs past")] // longer than declared
    [InlineData(new byte[] { 5, 0, 1, 0b000_000_01 }, "truncated copy")]
    public void Decode_CorruptBlock_ThrowsResponseExceptionSayingWhy(byte[] block, string reason)
    {
        var output = new byte[SnappyBlock.DecodedLength(block, out _)];

        var ex = Assert.Throws<PrometheusResponseException>(() => SnappyBlock.Decode(block, output));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal("prometheus_response", ex.ErrorType);
    }
}
