using System.Runtime.CompilerServices;

namespace Vigil.Core.Detection;

/// <summary>
/// A bounded ring of a series' most recent raw points (timestamp, value, deviation from what was expected, and
/// whether the point was held out of learning), for rebaselining after <c>adapt_after</c> and for operator feedback.
/// <see cref="Capacity"/> points: 3 hours at one-minute steps. Rebaselining and feedback act on what the ring still
/// holds; older points are gone (docs/detectors.md).
/// <para>
/// Storage (issue 15: 100k series in 1 GB): 16 bytes a point in one array that grows by doubling up to
/// <see cref="Capacity"/> (a young series holds a few points, not 3 KB of empty ring), timestamps as 32-bit millisecond
/// offsets from a base (±24.8 days), the held-out flags as bits. A point that does not fit beside the others (a gap of
/// more than 24.8 days) switches the ring to full 64-bit timestamps until the old points have left it, so every point
/// comes back exactly as it was added.
/// </para>
/// </summary>
internal sealed class RecentPoints
{
    public const int Capacity = 192;
    private const int FirstLength = 8;

    private Slot[] _slots = [];

    // Only while some point's offset from _baseMs does not fit 32 bits; null otherwise.
    private long[]? _wide;
    private int _addsSinceWide;
    private long _baseMs;
    private Flags _excluded;
    private int _head;
    private int _count;

    public int Count => _count;

    public void Add(long timestampMs, double value, double residual, bool excluded)
    {
        if (_count == _slots.Length && _slots.Length < Capacity)
        {
            Grow();
        }

        // While the ring is growing it has never wrapped: _head == _count.
        StoreTimestamp(_head, timestampMs);
        _slots[_head].Value = value;
        _slots[_head].Residual = (float)residual;
        SetExcluded(_head, excluded);
        _head = _head + 1 == _slots.Length ? 0 : _head + 1;
        if (_count < _slots.Length)
        {
            _count++;
        }
    }

    private void Grow()
    {
        var slots = new Slot[Math.Min(Capacity, Math.Max(FirstLength, 2 * _slots.Length))];
        Array.Copy(_slots, slots, _count);
        _slots = slots;
        if (_wide is not null)
        {
            Array.Resize(ref _wide, slots.Length);
        }

        _head = _count;
    }

    private void StoreTimestamp(int slot, long timestampMs)
    {
        if (_wide is not null)
        {
            _wide[slot] = timestampMs;
            if (++_addsSinceWide >= Capacity)
            {
                // Every Capacity points, see whether the points left fit 32-bit offsets again.
                _addsSinceWide = 0;
                TryNarrow(slot);
            }

            return;
        }

        if (_count == 0)
        {
            _baseMs = timestampMs;
        }

        if (TryOffset(timestampMs, _baseMs, out var offset))
        {
            _slots[slot].Offset = offset;
        }
        else if (!TryRebase(slot, timestampMs))
        {
            Widen(slot, timestampMs);
        }
    }

    // The new point becomes the base; the points kept (all but the one in `slot`, which is being overwritten) must fit.
    private bool TryRebase(int slot, long timestampMs)
    {
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (j != slot && !TryOffset(_baseMs + _slots[j].Offset, timestampMs, out _))
            {
                return false;
            }
        }

        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (j != slot)
            {
                TryOffset(_baseMs + _slots[j].Offset, timestampMs, out _slots[j].Offset);
            }
        }

        _baseMs = timestampMs;
        _slots[slot].Offset = 0;
        return true;
    }

    private void Widen(int slot, long timestampMs)
    {
        var wide = new long[_slots.Length];
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            wide[j] = _baseMs + _slots[j].Offset;
        }

        wide[slot] = timestampMs;
        _wide = wide;
        _addsSinceWide = 0;
    }

    private void TryNarrow(int newest)
    {
        var wide = _wide!;
        var baseMs = wide[newest];
        var count = _count < _slots.Length ? _count + 1 : _count; // the point being added is not counted yet
        for (var i = 0; i < count; i++)
        {
            if (!TryOffset(wide[i], baseMs, out _))
            {
                return;
            }
        }

        for (var i = 0; i < count; i++)
        {
            TryOffset(wide[i], baseMs, out _slots[i].Offset);
        }

        _baseMs = baseMs;
        _wide = null;
    }

    // t − base as an int when it fits; the sign check catches a 64-bit wrap-around (timestamps near long.MinValue/MaxValue).
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

    private long TimestampAt(int j) => _wide is null ? _baseMs + _slots[j].Offset : _wide[j];

    private int Index(int i) => (_head - _count + i + _slots.Length) % _slots.Length;

    /// <summary>Points with a timestamp at or after <paramref name="fromMs"/>.</summary>
    public int Since(long fromMs)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            if (TimestampAt(Index(i)) >= fromMs)
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
            var t = TimestampAt(Index(i));
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
            if (TimestampAt(j) >= fromMs)
            {
                ts[n] = TimestampAt(j);
                values[n] = _slots[j].Value;
                residuals[n] = _slots[j].Residual;
                n++;
            }
        }
    }

    /// <summary>Held-out points in [<paramref name="fromMs"/>, <paramref name="toMs"/>].</summary>
    public int Excluded(long fromMs, long toMs)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (IsExcluded(j) && TimestampAt(j) >= fromMs && TimestampAt(j) <= toMs)
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
            if (IsExcluded(j) && TimestampAt(j) >= fromMs && TimestampAt(j) <= toMs)
            {
                ts[n] = TimestampAt(j);
                values[n] = _slots[j].Value;
                n++;
            }
        }
    }

    public void ClearExcluded(long fromMs, long toMs)
    {
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (TimestampAt(j) >= fromMs && TimestampAt(j) <= toMs)
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
            writer.Write(TimestampAt(j));
            writer.Write(_slots[j].Value);
            writer.Write(_slots[j].Residual);
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
        _addsSinceWide = 0;
        _excluded = default;
        for (var i = 0; i < count; i++)
        {
            var ts = reader.ReadInt64();
            var value = reader.ReadDouble();
            var residual = reader.ReadSingle();
            Add(ts, value, residual, reader.ReadBoolean());
        }
    }

    // 16 bytes: the value, the deviation (a float, as before) and the timestamp's offset from the base.
    private struct Slot
    {
        public double Value;
        public float Residual;
        public int Offset;
    }

    [InlineArray((Capacity + 63) / 64)]
    private struct Flags
    {
        private ulong _word;
    }
}
