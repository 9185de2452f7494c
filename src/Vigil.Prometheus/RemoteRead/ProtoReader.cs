using System.Buffers.Binary;
using System.Globalization;

namespace Vigil.Prometheus.RemoteRead;

/// <summary>
/// A forward reader of protobuf wire format (https://protobuf.dev/programming-guides/encoding/) over one message's
/// bytes. Every length is checked against what is left, so a truncated or corrupt body fails with its byte offset
/// instead of reading past a message's end; nothing is allocated.
/// </summary>
internal ref struct ProtoReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireBytes = 2;
    public const int WireFixed32 = 5;

    private readonly int _baseOffset;

    public ProtoReader(ReadOnlySpan<byte> body, int baseOffset)
    {
        Body = body;
        _baseOffset = baseOffset;
    }

    /// <summary>The message's bytes.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Offset of the next field in <see cref="Body"/>.</summary>
    public int Position { get; private set; }

    /// <summary>Offset in <see cref="Body"/> of the key of the field <see cref="Next"/> returned last.</summary>
    public int FieldStart { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next(out int field, out int wire)
    {
        FieldStart = Position;
        if (Position >= Body.Length)
        {
            field = 0;
            wire = 0;
            return false;
        }

        var key = ReadVarint();
        field = (int)Math.Min(key >> 3, int.MaxValue);
        wire = (int)(key & 7);
        if (field == 0)
        {
            throw Error("a field number 0");
        }

        return true;
    }

    /// <summary>The current varint field's value.</summary>
    public ulong Varint() => ReadVarint();

    /// <summary>The current fixed64 field's value.</summary>
    public long Fixed64()
    {
        if (Body.Length - Position < 8)
        {
            throw Error("a truncated fixed64 field");
        }

        var value = BinaryPrimitives.ReadInt64LittleEndian(Body[Position..]);
        Position += 8;
        return value;
    }

    /// <summary>The current length-delimited field's bytes.</summary>
    public ReadOnlySpan<byte> BytesField()
    {
        var (start, length) = Delimited();
        return Body.Slice(start, length);
    }

    /// <summary>A reader over the current length-delimited field (an embedded message).</summary>
    public ProtoReader Message()
    {
        var (start, length) = Delimited();
        return new ProtoReader(Body.Slice(start, length), _baseOffset + start);
    }

    /// <summary>Skips the current field's value.</summary>
    public void Skip(int wire)
    {
        switch (wire)
        {
            case WireVarint:
                ReadVarint();
                break;
            case WireFixed64:
                Advance(8);
                break;
            case WireBytes:
                Delimited();
                break;
            case WireFixed32:
                Advance(4);
                break;
            default:
                // Groups (3, 4) are not used by remote.proto; 6 and 7 do not exist.
                throw Error(string.Create(CultureInfo.InvariantCulture, $"wire type {wire}"));
        }
    }

    public readonly PrometheusResponseException Error(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"malformed remote-read response: {what} at byte {_baseOffset + Position}"));

    private (int Start, int Length) Delimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(Body.Length - Position))
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"a field of {length} bytes with {Body.Length - Position} left (truncated?)"));
        }

        var start = Position;
        Position += (int)length;
        return (start, (int)length);
    }

    private void Advance(int bytes)
    {
        if (Body.Length - Position < bytes)
        {
            throw Error("a truncated field");
        }

        Position += bytes;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (Position >= Body.Length)
            {
                throw Error("a truncated varint");
            }

            var b = Body[Position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Error("a varint longer than 10 bytes");
    }
}
