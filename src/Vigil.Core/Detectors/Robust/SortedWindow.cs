using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// The last N values kept twice: in arrival order (a ring, to know what leaves) and sorted (for order statistics).
/// Median is O(1) and MAD O(log N) as the k-th smallest of two sorted sequences (distances below and above the median),
/// so nothing is copied to compute them.
/// <para>
/// With batch size 1 every Add is a binary search plus block moves (O(N) bytes moved, fine for small windows).
/// With batch size B &gt; 1 (large windows) the sorted copy is refreshed every B points by one merge pass
/// (O(N + B log B)), so a point costs O(N / B): the statistics then describe the window as of the last refresh, at most
/// B − 1 points stale, which is still causal. Until the window is first full every point is committed at once.
/// </para>
/// </summary>
internal sealed class SortedWindow
{
    private readonly double[] _ring;
    private double[] _sorted;
    private double[] _scratch;
    private readonly double[] _entering;
    private readonly double[] _leaving;
    private int _head;
    private int _ringCount;
    private int _count; // committed values in _sorted
    private int _pending;
    private int _left;

    public SortedWindow(int capacity, int batch = 1)
    {
        _ring = new double[capacity];
        _sorted = new double[capacity];
        _scratch = batch > 1 ? new double[capacity] : [];
        _entering = new double[Math.Max(1, batch)];
        _leaving = new double[Math.Max(1, batch)];
    }

    /// <summary>Values the statistics describe (committed to the sorted copy).</summary>
    public int Count => _count;

    public int Capacity => _ring.Length;

    /// <summary>Changes whenever the committed values change, so callers can cache statistics between commits.</summary>
    public int Version { get; private set; }

    /// <summary>Values held in arrival order, including those not yet committed.</summary>
    public int HeldCount => _ringCount;

    public void Clear()
    {
        Version++;
        _head = 0;
        _ringCount = 0;
        _count = 0;
        _pending = 0;
        _left = 0;
    }

    public void Add(double value)
    {
        var leaves = _ringCount == _ring.Length;
        var old = _ring[_head];
        _ring[_head] = value;
        _head = _head + 1 == _ring.Length ? 0 : _head + 1;
        if (_entering.Length == 1 || !leaves)
        {
            // Exact mode: always for batch 1, and while the window fills (it never empties again).
            if (leaves)
            {
                RemoveOne(old);
            }
            else
            {
                _ringCount++;
            }

            InsertOne(value);
            return;
        }

        _entering[_pending++] = value;
        _leaving[_left++] = old;
        if (_pending == _entering.Length)
        {
            Commit();
        }
    }

    /// <summary>Writes the exact state (ring as stored, committed values, pending batch) so a restore continues bit-for-bit.</summary>
    public void Write(BinaryWriter writer)
    {
        StateFormat.WriteArray(writer, _ring.AsSpan(0, _ringCount));
        writer.Write(_head);
        StateFormat.WriteArray(writer, _sorted.AsSpan(0, _count));
        StateFormat.WriteArray(writer, _entering.AsSpan(0, _pending));
        StateFormat.WriteArray(writer, _leaving.AsSpan(0, _left));
    }

    public void Read(BinaryReader reader, string detector)
    {
        Clear();
        var ring = StateFormat.ReadArray(reader, _ring.Length, detector);
        var head = reader.ReadInt32();
        var sorted = StateFormat.ReadArray(reader, _ring.Length, detector);
        var entering = StateFormat.ReadArray(reader, _entering.Length, detector);
        var leaving = StateFormat.ReadArray(reader, _leaving.Length, detector);
        if ((uint)head >= (uint)_ring.Length || entering.Length != leaving.Length)
        {
            throw new InvalidDataException($"{detector}: window state is inconsistent.");
        }

        ring.CopyTo(_ring, 0);
        sorted.CopyTo(_sorted, 0);
        entering.CopyTo(_entering, 0);
        leaving.CopyTo(_leaving, 0);
        _ringCount = ring.Length;
        _head = head;
        _count = sorted.Length;
        _pending = entering.Length;
        _left = leaving.Length;
    }

    private void RemoveOne(double old)
    {
        Version++;
        var at = LowerBound(_sorted.AsSpan(0, _count), old);
        _sorted.AsSpan(at + 1, _count - at - 1).CopyTo(_sorted.AsSpan(at));
        _count--;
    }

    private void InsertOne(double value)
    {
        Version++;
        var insert = UpperBound(_sorted.AsSpan(0, _count), value);
        _sorted.AsSpan(insert, _count - insert).CopyTo(_sorted.AsSpan(insert + 1));
        _sorted[insert] = value;
        _count++;
    }

    /// <summary>
    /// (sorted − leaving) ∪ entering into the scratch array, then swap. The ≤ 2B events are located by binary search and
    /// the runs between them moved as blocks, so a commit is ~2B·log N comparisons plus one memmove of the window.
    /// </summary>
    private void Commit()
    {
        Version++;
        var entering = _entering.AsSpan(0, _pending);
        var leaving = _leaving.AsSpan(0, _left);
        entering.Sort();
        leaving.Sort();
        var source = _sorted.AsSpan(0, _count);
        var target = _scratch.AsSpan();
        int i = 0, w = 0, e = 0, l = 0;
        while (l < leaving.Length || e < entering.Length)
        {
            // On ties remove before inserting, so every copy of a leaving value is still ahead of i.
            if (l < leaving.Length && (e >= entering.Length || leaving[l] <= entering[e]))
            {
                var at = i + GallopLowerBound(source[i..], leaving[l]);
                source[i..at].CopyTo(target[w..]);
                w += at - i;
                i = at + 1;
                l++;
            }
            else
            {
                var at = i + GallopUpperBound(source[i..], entering[e]);
                source[i..at].CopyTo(target[w..]);
                w += at - i;
                i = at;
                target[w++] = entering[e++];
            }
        }

        source[i..].CopyTo(target[w..]);
        w += source.Length - i;
        (_sorted, _scratch) = (_scratch, _sorted);
        _count = w;
        _pending = 0;
        _left = 0;
    }

    // Events are spread evenly over the window, so the next one is usually a few positions ahead: gallop (1, 2, 4, …)
    // from the current position, then search only the last step.
    private static int GallopLowerBound(ReadOnlySpan<double> span, double value)
    {
        var bound = 1;
        while (bound < span.Length && span[bound - 1] < value)
        {
            bound <<= 1;
        }

        var from = bound >> 1;
        var to = Math.Min(bound, span.Length);
        return from + LowerBound(span[from..to], value);
    }

    private static int GallopUpperBound(ReadOnlySpan<double> span, double value)
    {
        var bound = 1;
        while (bound < span.Length && span[bound - 1] <= value)
        {
            bound <<= 1;
        }

        var from = bound >> 1;
        var to = Math.Min(bound, span.Length);
        return from + UpperBound(span[from..to], value);
    }

    private static int LowerBound(ReadOnlySpan<double> span, double value)
    {
        int lo = 0, hi = span.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (span[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> span, double value)
    {
        int lo = 0, hi = span.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (span[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public double Median()
    {
        var n = _count;
        return (n & 1) == 1 ? _sorted[n / 2] : 0.5 * (_sorted[(n / 2) - 1] + _sorted[n / 2]);
    }

    public double Quantile(double q)
    {
        var pos = q * (_count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, _count - 1);
        return _sorted[lo] + ((pos - lo) * (_sorted[hi] - _sorted[lo]));
    }

    /// <summary>Median absolute deviation from <paramref name="median"/> (the window's median).</summary>
    public double Mad(double median)
    {
        var n = _count;
        var split = LowerBound(median);
        return (n & 1) == 1
            ? KthDistance(n / 2, split, median)
            : 0.5 * (KthDistance((n / 2) - 1, split, median) + KthDistance(n / 2, split, median));
    }

    /// <summary>Values oldest first, for serialisation.</summary>
    public void CopyInArrivalOrder(Span<double> target)
    {
        var oldest = _ringCount == _ring.Length ? _head : 0;
        for (var i = 0; i < _ringCount; i++)
        {
            target[i] = _ring[(oldest + i) % _ring.Length];
        }
    }

    private int LowerBound(double value)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // A[i] = median − sorted[split−1−i] (ascending), B[j] = sorted[split+j] − median (ascending).
    private double KthDistance(int k, int split, double median)
    {
        var a = split;
        var b = _count - split;
        int lo = Math.Max(0, k + 1 - b), hi = Math.Min(a, k + 1);
        while (lo < hi)
        {
            var i = (lo + hi) >>> 1;
            var j = k + 1 - i;
            var nextA = i < a ? median - _sorted[split - 1 - i] : double.PositiveInfinity;
            var lastB = j > 0 ? _sorted[split + j - 1] - median : double.NegativeInfinity;
            if (nextA < lastB)
            {
                lo = i + 1;
            }
            else
            {
                hi = i;
            }
        }

        var takeA = lo;
        var takeB = k + 1 - takeA;
        var lastFromA = takeA > 0 ? median - _sorted[split - takeA] : double.NegativeInfinity;
        var lastFromB = takeB > 0 ? _sorted[split + takeB - 1] - median : double.NegativeInfinity;
        return Math.Max(lastFromA, lastFromB);
    }
}
