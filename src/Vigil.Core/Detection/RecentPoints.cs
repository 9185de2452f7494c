using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigil.Core.Detection;

/// <summary>
/// A bounded ring of a series' most recent raw points (timestamp, value, deviation from what was expected, and
/// whether the point was held out of learning), for rebaselining after <c>adapt_after</c> and for operator feedback.
/// <see cref="Capacity"/> points: 3 hours at one-minute steps. Rebaselining and feedback act on what the ring still
/// holds; older points are gone (docs/detectors.md).
/// <para>
/// Storage (issue 15: 100k series in 1 GB): 12 bytes a point (the value and the deviation) in one array that grows by
/// doubling up to <see cref="Capacity"/> (a young series holds a few points, not 2 KB of empty ring), the held-out flags
/// as bits, and the timestamps stored only when they are not evenly spaced: a step-aligned range query gives every
/// point at the previous one plus the step, so the oldest timestamp and the step describe them all. A point off that
/// pattern switches the ring to 32-bit millisecond offsets from a base (±24.8 days), and a point that does not fit
/// beside the others (a gap of more than 24.8 days) to full 64-bit timestamps; each switches back once the points
/// that needed it have left (checked every <see cref="Capacity"/> points), and every point comes back exactly as it
/// was added.
/// </para>
/// <para>
/// Values (scale7): 8 bytes a point instead of 12 while every value kept is an integer count of 10^−d for one d ≤ 9
/// that fits 32 bits (a count, a gauge an exporter writes with three decimals): the value is stored as that integer k
/// and read back as k / 10^d, which is the value bit for bit (IEEE division is correctly rounded, so k / 10^d is the
/// double nearest to the decimal, which is what parsing the decimal gave). The check is exact on every point (the
/// bits of k / 10^d against the value's); a value that passes for no d (a rate's 17 digits, −0, a count past 2^31)
/// switches the ring to doubles, and it switches back once the points that needed them have left (checked every
/// <see cref="Capacity"/> points).
/// </para>
/// </summary>
internal sealed class RecentPoints
{
    public const int Capacity = 192;
    private const int FirstLength = 8;

    // The largest step kept implicitly: Capacity − 1 steps of it still fit a 32-bit offset when the ring turns irregular.
    private const long MaxRegularStepMs = int.MaxValue / Capacity;

    // The values and deviations, in one of two forms (exactly one is in use): scaled (_slots null), value = K / 10^_decimals
    // exactly for every point kept; or doubles (_slots), after a value that no scale holds exactly.
    private Scaled[] _scaled = [];
    private Slot[]? _slots;
    private int _decimals;
    private int _addsSinceDoubles;

    // 10^d, exact as doubles.
    private static ReadOnlySpan<double> Pow10 => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
    private const int MaxDecimals = 9;

    // Timestamps, in one of three forms. Regular (both arrays null): point i, oldest first, is at _firstMs + i·_stepMs,
    // which is what a step-aligned range query returns, so nothing is stored per point. Offsets: a 32-bit offset from
    // _baseMs per slot, after a point broke the regular pattern. Wide: full 64-bit timestamps while some point does not
    // fit 32 bits beside the others.
    private int[]? _offsets;
    private long[]? _wide;
    private int _addsSinceIrregular;
    private long _firstMs;
    private long _stepMs;
    private long _baseMs;
    private Flags _excluded;
    private int _head;
    private int _count;

    public int Count => _count;

    // The ring's allocated length (it grows to Capacity), whichever form holds the values.
    private int Length => _slots?.Length ?? _scaled.Length;

    /// <summary>How the values are held, for tests: "scaled" (with the number of decimals) or "doubles".</summary>
    internal string ValueForm => _slots is not null ? "doubles" : "scaled " + _decimals.ToString(CultureInfo.InvariantCulture);

    /// <summary>How the timestamps are held, for tests: "regular", "offsets" or "wide".</summary>
    internal string TimestampForm => _wide is not null ? "wide" : _offsets is not null ? "offsets" : "regular";

    public void Add(long timestampMs, double value, double residual, bool excluded)
    {
        if (_count == Length && Length < Capacity)
        {
            Grow();
        }

        // While the ring is growing it has never wrapped: _head == _count.
        StoreTimestamp(_head, timestampMs);
        StoreValue(_head, value, (float)residual);
        SetExcluded(_head, excluded);
        _head = _head + 1 == Length ? 0 : _head + 1;
        if (_count < Length)
        {
            _count++;
        }

        if (_slots is not null && ++_addsSinceDoubles >= Capacity)
        {
            // Every Capacity points, see whether the values kept fit a scale again.
            _addsSinceDoubles = 0;
            TryScaled();
        }

        if (_offsets is not null && _wide is null && ++_addsSinceIrregular >= Capacity)
        {
            // Every Capacity points, see whether the irregular points have left and the rest is regular again.
            _addsSinceIrregular = 0;
            TryRegular();
        }
    }

    private void Grow()
    {
        var length = Math.Min(Capacity, Math.Max(FirstLength, 2 * Length));
        if (_slots is not null)
        {
            Array.Resize(ref _slots, length);
        }
        else
        {
            Array.Resize(ref _scaled, length);
        }

        if (_offsets is not null)
        {
            Array.Resize(ref _offsets, length);
        }

        if (_wide is not null)
        {
            Array.Resize(ref _wide, length);
        }

        _head = _count;
    }

    private void StoreValue(int slot, double value, float residual)
    {
        if (_slots is null)
        {
            if (TryScale(value, _decimals, out var k) || TryMoreDecimals(slot, value, out k))
            {
                _scaled[slot] = new Scaled { K = k, Residual = residual };
                return;
            }

            ToDoubles();
        }

        _slots![slot] = new Slot { Value = value, Residual = residual };
    }

    // value == k / 10^decimals bit for bit, with k in 32 bits. Bits, not ==: −0 is not 0 / 10^d, and must come back as −0.
    private static bool TryScale(double value, int decimals, out int k)
    {
        var scaled = Math.Round(value * Pow10[decimals]);
        k = (int)scaled;
        return scaled >= int.MinValue && scaled <= int.MaxValue
            && BitConverter.DoubleToInt64Bits(k / Pow10[decimals]) == BitConverter.DoubleToInt64Bits(value);
    }

    // A value with more decimals than the ring's scale: the smallest larger scale that holds it and every point kept (but
    // the one in `slot`, being overwritten). k·10^(d'−d) / 10^d' is the same rational as k / 10^d, and both divisions are
    // correctly rounded, so every point kept still reads back bit for bit.
    private bool TryMoreDecimals(int slot, double value, out int k)
    {
        for (var d = _decimals + 1; d <= MaxDecimals; d++)
        {
            if (!TryScale(value, d, out k))
            {
                continue;
            }

            var factor = (long)Pow10[d - _decimals];
            var fits = true;
            for (var i = 0; i < _count && fits; i++)
            {
                var j = Index(i);
                var rescaled = _scaled[j].K * factor;
                fits = j == slot || (rescaled >= int.MinValue && rescaled <= int.MaxValue);
            }

            if (!fits)
            {
                break;
            }

            for (var i = 0; i < _count; i++)
            {
                var j = Index(i);
                _scaled[j].K = j == slot ? 0 : (int)(_scaled[j].K * factor);
            }

            _decimals = d;
            return true;
        }

        k = 0;
        return false;
    }

    private void ToDoubles()
    {
        var slots = new Slot[_scaled.Length];
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            slots[j] = new Slot { Value = _scaled[j].K / Pow10[_decimals], Residual = _scaled[j].Residual };
        }

        _slots = slots;
        _scaled = [];
        _addsSinceDoubles = 0;
    }

    // Doubles → scaled when every value kept (the point just added included) fits one scale again.
    private void TryScaled()
    {
        var slots = _slots!;
        for (var d = 0; d <= MaxDecimals; d++)
        {
            var fits = true;
            for (var i = 0; i < _count && fits; i++)
            {
                fits = TryScale(slots[Index(i)].Value, d, out _);
            }

            if (!fits)
            {
                continue;
            }

            var scaled = new Scaled[slots.Length];
            for (var i = 0; i < _count; i++)
            {
                var j = Index(i);
                TryScale(slots[j].Value, d, out scaled[j].K);
                scaled[j].Residual = slots[j].Residual;
            }

            _scaled = scaled;
            _slots = null;
            _decimals = d;
            return;
        }
    }

    private double ValueAt(int j) => _slots is not null ? _slots[j].Value : _scaled[j].K / Pow10[_decimals];

    private float ResidualAt(int j) => _slots is not null ? _slots[j].Residual : _scaled[j].Residual;

    private void StoreTimestamp(int slot, long timestampMs)
    {
        if (_wide is not null)
        {
            _wide[slot] = timestampMs;
            if (++_addsSinceIrregular >= Capacity)
            {
                // Every Capacity points, see whether the points left fit 32-bit offsets again.
                _addsSinceIrregular = 0;
                TryNarrow(slot);
            }

            return;
        }

        if (_offsets is null)
        {
            if (_count == 0)
            {
                _firstMs = timestampMs;
                _stepMs = 0;
                return;
            }

            // A stored point's timestamp, so no overflow; d > 0 also rules out a 64-bit wrap-around.
            var newest = _firstMs + ((_count - 1) * _stepMs);
            var d = unchecked(timestampMs - newest);
            if (timestampMs > newest && d > 0 && d <= MaxRegularStepMs && (_stepMs == 0 || d == _stepMs))
            {
                _stepMs = d;
                if (_count == Length)
                {
                    // The oldest point is being overwritten.
                    _firstMs += d;
                }

                return;
            }

            ToOffsets();
        }

        if (TryOffset(timestampMs, _baseMs, out var offset))
        {
            _offsets![slot] = offset;
        }
        else if (!TryRebase(slot, timestampMs))
        {
            Widen(slot, timestampMs);
        }
    }

    // Regular → offsets from the oldest point: i·step ≤ (Capacity − 1)·MaxRegularStepMs fits 32 bits.
    private void ToOffsets()
    {
        var offsets = new int[Length];
        for (var i = 0; i < _count; i++)
        {
            offsets[Index(i)] = (int)(i * _stepMs);
        }

        _baseMs = _firstMs;
        _offsets = offsets;
        _addsSinceIrregular = 0;
    }

    // Offsets → regular when the points kept (after the add) are evenly spaced again. Differences, not sums: a
    // difference that is positive both as a comparison and unchecked is the true one, near the ends of Int64 as well.
    private void TryRegular()
    {
        var first = TimestampAt(0, Index(0));
        long step = 0;
        for (var i = 1; i < _count; i++)
        {
            var t = TimestampAt(i, Index(i));
            var d = unchecked(t - first);
            if (i == 1)
            {
                step = d;
                if (t <= first || d <= 0 || d > MaxRegularStepMs)
                {
                    return;
                }
            }
            else if (t <= first || d != i * step)
            {
                return;
            }
        }

        _firstMs = first;
        _stepMs = step;
        _offsets = null;
    }

    // The new point becomes the base; the points kept (all but the one in `slot`, which is being overwritten) must fit.
    private bool TryRebase(int slot, long timestampMs)
    {
        var offsets = _offsets!;
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (j != slot && !TryOffset(_baseMs + offsets[j], timestampMs, out _))
            {
                return false;
            }
        }

        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (j != slot)
            {
                TryOffset(_baseMs + offsets[j], timestampMs, out offsets[j]);
            }
        }

        _baseMs = timestampMs;
        offsets[slot] = 0;
        return true;
    }

    private void Widen(int slot, long timestampMs)
    {
        var wide = new long[Length];
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            wide[j] = _baseMs + _offsets![j];
        }

        wide[slot] = timestampMs;
        _wide = wide;
        _addsSinceIrregular = 0;
    }

    private void TryNarrow(int newest)
    {
        var wide = _wide!;
        var baseMs = wide[newest];
        var count = _count < Length ? _count + 1 : _count; // the point being added is not counted yet
        for (var i = 0; i < count; i++)
        {
            if (!TryOffset(wide[i], baseMs, out _))
            {
                return;
            }
        }

        var offsets = _offsets ??= new int[Length];
        for (var i = 0; i < count; i++)
        {
            TryOffset(wide[i], baseMs, out offsets[i]);
        }

        _baseMs = baseMs;
        _wide = null;
    }

    private static bool TryOffset(long timestampMs, long baseMs, out int offset)
    {
        var d = unchecked(timestampMs - baseMs);
        offset = (int)d;
        return offset == d && (d >= 0) == (timestampMs >= baseMs);
    }

    private bool IsExcluded(int j) => (_excluded[j >> 6] & (1UL << j)) != 0;

    private void SetExcluded(int j, bool excluded)
    {
        if (excluded)
        {
            _excluded[j >> 6] |= 1UL << j;
        }
        else
        {
            _excluded[j >> 6] &= ~(1UL << j);
        }
    }

    // Point i (oldest first), held in slot j = Index(i).
    private long TimestampAt(int i, int j) =>
        _wide is not null ? _wide[j] : _offsets is not null ? _baseMs + _offsets[j] : _firstMs + (i * _stepMs);

    private int Index(int i) => (_head - _count + i + Length) % Length;

    /// <summary>Points with a timestamp at or after <paramref name="fromMs"/>.</summary>
    public int Since(long fromMs)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            if (TimestampAt(i, Index(i)) >= fromMs)
            {
                n++;
            }
        }

        return n;
    }

    public bool Overlaps(long fromMs, long toMs)
    {
        for (var i = 0; i < _count; i++)
        {
            var t = TimestampAt(i, Index(i));
            if (t >= fromMs && t <= toMs)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies the points at or after <paramref name="fromMs"/>, oldest first (spans sized by <see cref="Since"/>).</summary>
    public void CopySince(long fromMs, Span<long> ts, Span<double> values, Span<double> residuals)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (TimestampAt(i, j) >= fromMs)
            {
                ts[n] = TimestampAt(i, j);
                values[n] = ValueAt(j);
                residuals[n] = ResidualAt(j);
                n++;
            }
        }
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of the expectation (value − residual) over the held points that were scored (NaN
    /// when none was), on the working scale when the values are on it (the identity scale: auto's positive_low_return).
    /// Sorted on the stack: called at an alarm's onset, not per point.
    /// </summary>
    public double ExpectationQuantile(double q)
    {
        Span<double> expected = stackalloc double[Capacity];
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            var e = ValueAt(j) - ResidualAt(j);
            if (double.IsFinite(e))
            {
                expected[n++] = e;
            }
        }

        if (n == 0)
        {
            return double.NaN;
        }

        var sorted = expected[..n];
        sorted.Sort();
        return sorted[Math.Clamp((int)(q * n), 0, n - 1)];
    }

    /// <summary>Held-out points in [<paramref name="fromMs"/>, <paramref name="toMs"/>].</summary>
    public int Excluded(long fromMs, long toMs)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (IsExcluded(j) && TimestampAt(i, j) >= fromMs && TimestampAt(i, j) <= toMs)
            {
                n++;
            }
        }

        return n;
    }

    public void CopyExcluded(long fromMs, long toMs, Span<long> ts, Span<double> values)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (IsExcluded(j) && TimestampAt(i, j) >= fromMs && TimestampAt(i, j) <= toMs)
            {
                ts[n] = TimestampAt(i, j);
                values[n] = ValueAt(j);
                n++;
            }
        }
    }

    public void ClearExcluded(long fromMs, long toMs)
    {
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (TimestampAt(i, j) >= fromMs && TimestampAt(i, j) <= toMs)
            {
                SetExcluded(j, false);
            }
        }
    }

    /// <summary>Written oldest first, so the ring position is not part of the format.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_count);
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            writer.Write(TimestampAt(i, j));
            writer.Write(ValueAt(j));
            writer.Write(ResidualAt(j));
            writer.Write(IsExcluded(j));
        }
    }

    public void Read(BinaryReader reader, string detector)
    {
        var count = reader.ReadInt32();
        if ((uint)count > Capacity)
        {
            throw new InvalidDataException($"{detector}: recent-point count {count} is out of range.");
        }

        _head = 0;
        _count = 0;
        _wide = null;
        _offsets = null;
        _addsSinceIrregular = 0;
        _scaled = [];
        _slots = null;
        _decimals = 0;
        _addsSinceDoubles = 0;
        _firstMs = 0;
        _stepMs = 0;
        _excluded = default;
        for (var i = 0; i < count; i++)
        {
            var ts = reader.ReadInt64();
            var value = reader.ReadDouble();
            var residual = reader.ReadSingle();
            Add(ts, value, residual, reader.ReadBoolean());
        }
    }

    // 12 bytes: the value and the deviation (a float, as before); packed, or the double's alignment would pad it to 16.
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Slot
    {
        public double Value;
        public float Residual;
    }

    // 8 bytes: the value as k / 10^d, and the deviation.
    private struct Scaled
    {
        public int K;
        public float Residual;
    }

    [InlineArray((Capacity + 63) / 64)]
    private struct Flags
    {
        private ulong _word;
    }
}
