namespace Vigil.Core.Detection;

/// <summary>
/// A bounded ring of a series' most recent raw points (timestamp, value, deviation from what was expected, and
/// whether the point was held out of learning), for rebaselining after <c>adapt_after</c> and for operator feedback.
/// <see cref="Capacity"/> points: 3 hours at one-minute steps, 3.2 KB plus flags. Rebaselining and feedback act on
/// what the ring still holds; older points are gone (docs/detectors.md).
/// </summary>
internal sealed class RecentPoints
{
    public const int Capacity = 192;

    private readonly long[] _ts = new long[Capacity];
    private readonly double[] _values = new double[Capacity];
    private readonly float[] _residuals = new float[Capacity];
    private readonly bool[] _excluded = new bool[Capacity];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Add(long timestampMs, double value, double residual, bool excluded)
    {
        _ts[_head] = timestampMs;
        _values[_head] = value;
        _residuals[_head] = (float)residual;
        _excluded[_head] = excluded;
        _head = _head + 1 == Capacity ? 0 : _head + 1;
        if (_count < Capacity)
        {
            _count++;
        }
    }

    private int Index(int i) => (_head - _count + i + Capacity) % Capacity;

    /// <summary>Points with a timestamp at or after <paramref name="fromMs"/>.</summary>
    public int Since(long fromMs)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_ts[Index(i)] >= fromMs)
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
            var t = _ts[Index(i)];
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
            if (_ts[j] >= fromMs)
            {
                ts[n] = _ts[j];
                values[n] = _values[j];
                residuals[n] = _residuals[j];
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
            if (_excluded[j] && _ts[j] >= fromMs && _ts[j] <= toMs)
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
            if (_excluded[j] && _ts[j] >= fromMs && _ts[j] <= toMs)
            {
                ts[n] = _ts[j];
                values[n] = _values[j];
                n++;
            }
        }
    }

    public void ClearExcluded(long fromMs, long toMs)
    {
        for (var i = 0; i < _count; i++)
        {
            var j = Index(i);
            if (_ts[j] >= fromMs && _ts[j] <= toMs)
            {
                _excluded[j] = false;
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
            writer.Write(_ts[j]);
            writer.Write(_values[j]);
            writer.Write(_residuals[j]);
            writer.Write(_excluded[j]);
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
        for (var i = 0; i < count; i++)
        {
            var ts = reader.ReadInt64();
            var value = reader.ReadDouble();
            var residual = reader.ReadSingle();
            Add(ts, value, residual, reader.ReadBoolean());
        }
    }
}
