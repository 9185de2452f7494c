namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// A float array for <c>auto</c>'s season-detection buffer (issue 15: at 100k series every series holds it from its
/// first to its 600th point, all at once during a warm-up, 240 MB of floats): 3 bytes a value instead of 4 while the
/// values lie within 2^24 consecutive floats of each other (a factor of up to 4 for values of one sign, e.g. a gauge
/// between 80 and 124, a count's square root between 3 and 12), 4 bytes otherwise. Exact: a value is stored as its
/// distance, in floats, from a base (the float's bits in an order where a larger float has a larger key), so every value
/// comes back bit for bit, −0 and subnormals included.
/// <para>
/// The base is chosen when the array is (re)allocated, centred on the values it then holds so that later values have
/// room on both sides; a value that falls outside moves the base (every stored distance is rewritten) or, if the values
/// no longer fit 2^24 floats, turns the array into plain floats until the next reallocation.
/// </para>
/// </summary>
internal sealed class PackedFloats
{
    private const long Range = 1L << 24;

    private byte[]? _packed;
    private float[]? _floats;
    private long _base;

    // Slots written so far (the values to keep when the base moves; the others are unused).
    private int _used;

    private PackedFloats(int length) => _floats = new float[length];

    public static PackedFloats Empty { get; } = new(0);

    public int Length => _packed is not null ? _packed.Length / 3 : _floats!.Length;

    /// <summary>Whether the values are held in 3 bytes each, for tests.</summary>
    internal bool IsPacked => _packed is not null;

    public float this[int index]
    {
        get
        {
            if (_floats is not null)
            {
                return _floats[index];
            }

            var p = _packed!;
            var i = 3 * index;
            return FromKey(_base + (p[i] | (p[i + 1] << 8) | (p[i + 2] << 16)));
        }

        set
        {
            _used = Math.Max(_used, index + 1);
            if (_floats is not null)
            {
                _floats[index] = value;
                return;
            }

            var d = Key(value) - _base;
            if ((ulong)d >= Range)
            {
                Reframe(index, value);
                return;
            }

            Store(_packed!, index, d);
        }
    }

    /// <summary>The values, in an array of <paramref name="length"/>, packed if they fit (a state being read).</summary>
    public static PackedFloats Of(ReadOnlySpan<float> values, int length)
    {
        var plain = new PackedFloats(values.Length) { _used = values.Length };
        values.CopyTo(plain._floats);
        return plain.Resize(values.Length, length);
    }

    /// <summary>A copy of the first <paramref name="count"/> values in an array of <paramref name="length"/>, packed if they fit.</summary>
    public PackedFloats Resize(int count, int length)
    {
        long min = long.MaxValue, max = long.MinValue;
        for (var i = 0; i < count; i++)
        {
            var k = Key(this[i]);
            min = Math.Min(min, k);
            max = Math.Max(max, k);
        }

        var resized = new PackedFloats(0) { _used = count };
        if (count == 0 || max - min < Range)
        {
            // Centred: as much room below the lowest value as above the highest.
            resized._base = count == 0 ? 0 : min - ((Range - 1 - (max - min)) / 2);
            resized._packed = new byte[3 * length];
            resized._floats = null;
            for (var i = 0; i < count; i++)
            {
                Store(resized._packed, i, Key(this[i]) - resized._base);
            }

            return resized;
        }

        resized._floats = new float[length];
        for (var i = 0; i < count; i++)
        {
            resized._floats[i] = this[i];
        }

        return resized;
    }

    // `value` at `index` falls outside the base's range: a new base if the values written so far and the new one fit,
    // else floats.
    private void Reframe(int index, float value)
    {
        var packed = _packed!;
        var n = _used;
        var key = Key(value);
        long min = key, max = key;
        for (var i = 0; i < n; i++)
        {
            if (i != index)
            {
                var k = _base + Read(packed, i);
                min = Math.Min(min, k);
                max = Math.Max(max, k);
            }
        }

        if (max - min < Range)
        {
            var newBase = min - ((Range - 1 - (max - min)) / 2);
            for (var i = 0; i < n; i++)
            {
                Store(packed, i, i == index ? key - newBase : _base + Read(packed, i) - newBase);
            }

            _base = newBase;
            return;
        }

        var floats = new float[packed.Length / 3];
        for (var i = 0; i < n; i++)
        {
            floats[i] = i == index ? value : FromKey(_base + Read(packed, i));
        }

        _floats = floats;
        _packed = null;
    }

    private static int Read(byte[] packed, int index)
    {
        var i = 3 * index;
        return packed[i] | (packed[i + 1] << 8) | (packed[i + 2] << 16);
    }

    private static void Store(byte[] packed, int index, long distance)
    {
        var i = 3 * index;
        packed[i] = (byte)distance;
        packed[i + 1] = (byte)(distance >> 8);
        packed[i + 2] = (byte)(distance >> 16);
    }

    // The float's bits, reordered so that a larger float has a larger key: positive floats (and +0) are their bits,
    // negative ones (and −0) count down from −1 by magnitude.
    private static long Key(float value)
    {
        var bits = BitConverter.SingleToInt32Bits(value);
        return bits >= 0 ? bits : -1L - (bits & int.MaxValue);
    }

    private static float FromKey(long key) =>
        BitConverter.Int32BitsToSingle(key >= 0 ? (int)key : (int)((-1L - key) | 0x8000_0000L));
}
