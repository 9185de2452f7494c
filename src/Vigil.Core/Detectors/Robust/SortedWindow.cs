namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// The last N values kept twice: in arrival order (a ring, to know what leaves) and sorted (for order statistics).
/// Add is a binary search plus one block move (O(N) bytes moved, but a memmove of a few KB is faster than a
/// two-heap median with lazy deletion at the window sizes used here; see DetectorBenchmarks). Median is O(1) and
/// MAD is O(log N) as the k-th smallest of two sorted sequences (distances below and above the median), so no copy.
/// </summary>
internal sealed class SortedWindow
{
    private readonly double[] _ring;
    private readonly double[] _sorted;
    private int _head;
    private int _count;

    public SortedWindow(int capacity)
    {
        _ring = new double[capacity];
        _sorted = new double[capacity];
    }

    public int Count => _count;

    public int Capacity => _ring.Length;

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }

    public void Add(double value)
    {
        if (_count == _ring.Length)
        {
            var old = _ring[_head];
            var at = Array.BinarySearch(_sorted, 0, _count, old);
            _sorted.AsSpan(at + 1, _count - at - 1).CopyTo(_sorted.AsSpan(at));
            _count--;
        }

        var insert = Array.BinarySearch(_sorted, 0, _count, value);
        if (insert < 0)
        {
            insert = ~insert;
        }

        _sorted.AsSpan(insert, _count - insert).CopyTo(_sorted.AsSpan(insert + 1));
        _sorted[insert] = value;
        _count++;
        _ring[_head] = value;
        _head = (_head + 1) % _ring.Length;
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
        var oldest = _count == _ring.Length ? _head : 0;
        for (var i = 0; i < _count; i++)
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
