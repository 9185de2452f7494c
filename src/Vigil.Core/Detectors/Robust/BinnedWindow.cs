using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// The last N values in arrival order plus a histogram of them over <see cref="Bins"/> equal-width bins, for order
/// statistics (median, MAD, quantiles) in amortised O(1) per point.
/// <para>
/// Keeping a sorted copy costs O(log N) comparisons per point at best (a batched merge measured ~95 ns/point at
/// N = 1000); the histogram costs two counter updates. Binning is monotone (x ≤ y ⇒ bin(x) ≤ bin(y), values outside
/// the range clamp into the edge bins), so the k-th smallest value lies in the bin where the running count passes k.
/// </para>
/// <para>
/// The median is exact: only its bin's few values are gathered (a vectorised scan of the 2-byte bin ids) and selected.
/// The MAD and the tail quantiles only size the band, so they are read off the histogram, taking each bin's values as
/// evenly spread over it: within two bin widths of the exact figure (the caller keeps a bin near σ̂/100, so within
/// 2% of σ̂), for a fraction of the cost (the exact MAD was three quarters of a refresh). They fall back to exact
/// selection where the histogram cannot bound them (a clamping edge bin), and the MAD is exact whenever more than
/// half of the window shares the median's bin (flat and heavily quantised series: their MAD is then often exactly 0).
/// The caller re-centres the bins (<see cref="Rebin"/>) when they get coarse or fine for the data.
/// </para>
/// State: 18·N bytes (ring, bin ids, selection scratch) plus 8 KB of counts.
/// </summary>
internal sealed class BinnedWindow
{
    internal const int Bins = 2048;

    private readonly double[] _ring;
    private readonly ushort[] _binOf;
    private readonly double[] _scratch;
    private readonly int[] _counts = new int[Bins];
    private int _head;
    private int _held;
    private bool _built;
    private double _lo;
    private double _width;
    private double _invWidth;

    // A bin and the number of held values in the bins below it, kept current on every Add: rank searches start here
    // (it is left at the median's bin, so they walk only as far as the statistic is from the median).
    // Anchor 0 follows the median, 1 and 2 the low and high quantiles.
    private int _anchorBin;
    private int _anchorBelow;
    private int _lowBin;
    private int _lowBelow;
    private int _highBin;
    private int _highBelow;

    // The median's bin at the last Statistics call (−1 if the median straddled two) and the range of its values.
    private int _medianBin = -1;
    private double _medianBinMin;
    private double _medianBinMax;

    public BinnedWindow(int capacity)
    {
        _ring = new double[capacity];
        _binOf = new ushort[capacity];
        _scratch = new double[capacity];
    }

    public int Count => _held;

    public int Capacity => _ring.Length;

    /// <summary>Width of one bin (NaN until the histogram is first built).</summary>
    public double BinWidth => _built ? _width : double.NaN;

    public void Add(double value)
    {
        var slot = _head;
        if (_held == _ring.Length)
        {
            if (_built)
            {
                int old = _binOf[slot];
                _counts[old]--;
                _anchorBelow -= old < _anchorBin ? 1 : 0;
                _lowBelow -= old < _lowBin ? 1 : 0;
                _highBelow -= old < _highBin ? 1 : 0;
            }
        }
        else
        {
            _held++;
        }

        _ring[slot] = value;
        if (_built)
        {
            var bin = BinOf(value);
            _binOf[slot] = (ushort)bin;
            _counts[bin]++;
            _anchorBelow += bin < _anchorBin ? 1 : 0;
            _lowBelow += bin < _lowBin ? 1 : 0;
            _highBelow += bin < _highBin ? 1 : 0;
        }

        _head = slot + 1 == _ring.Length ? 0 : slot + 1;
    }

    /// <summary>Exact median of the held values (no histogram needed: used during warm-up, on few values).</summary>
    public double Median()
    {
        var n = _held;
        var values = _scratch.AsSpan(0, n);
        _ring.AsSpan(0, n).CopyTo(values);
        var (a, b) = SelectPair(values, (n - 1) / 2, n / 2);
        return (n & 1) == 1 ? a : 0.5 * (a + b);
    }

    /// <summary>
    /// Exact median; the median absolute deviation from it and the linearly interpolated quantiles
    /// <paramref name="qLow"/> and <paramref name="qHigh"/> within two bin widths of a fully sorted window's.
    /// </summary>
    public void Statistics(double qLow, double qHigh, out double median, out double mad, out double low, out double high)
    {
        if (!_built)
        {
            BuildFromRange();
        }

        var n = _held;
        int r = (n - 1) / 2, r2 = n / 2;
        Locate(r, ref _anchorBin, ref _anchorBelow);
        int bin = _anchorBin, below = _anchorBelow;
        int bin2 = bin, below2 = below;
        Locate(r2, ref bin2, ref below2);

        // Bins are monotone, so the values of bins [bin, bin2] hold global ranks below, below + 1, …
        var gathered = GatherValues(bin, bin2);
        var values = _scratch.AsSpan(0, gathered);
        (_medianBin, _medianBinMin, _medianBinMax) = (bin == bin2 ? bin : -1, double.PositiveInfinity, double.NegativeInfinity);
        foreach (var v in values)
        {
            _medianBinMin = Math.Min(_medianBinMin, v);
            _medianBinMax = Math.Max(_medianBinMax, v);
        }

        var (m1, m2) = SelectPair(values, r - below, r2 - below);
        median = (n & 1) == 1 ? m1 : 0.5 * (m1 + m2);
        mad = bin == bin2 && gathered > r2 && TryMadInBin(median, bin, gathered, r, r2, out var inBin) ? inBin : Mad(median, r, r2);
        low = Quantile(qLow, ref _lowBin, ref _lowBelow);
        high = Quantile(qHigh, ref _highBin, ref _highBelow);
    }

    /// <summary>Re-centres the bins on [center − halfRange, center + halfRange) and recounts: O(N + Bins).</summary>
    public void Rebin(double center, double halfRange) => Build(center - halfRange, 2 * halfRange / Bins, center);

    /// <summary>Writes the values and the binning (the MAD and quantiles depend on it, so a restored window scores alike).</summary>
    public void Write(BinaryWriter writer)
    {
        StateFormat.WriteArray(writer, _ring.AsSpan(0, _held));
        writer.Write(_head);
        writer.Write(_built);
        writer.Write(_lo);
        writer.Write(_width);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="withBinning"/> false reads the older values-only layout.</summary>
    public void Read(BinaryReader reader, string detector, bool withBinning)
    {
        var ring = StateFormat.ReadArray(reader, _ring.Length, detector);
        var head = reader.ReadInt32();
        if ((uint)head >= (uint)_ring.Length || (ring.Length < _ring.Length && head != ring.Length % _ring.Length))
        {
            throw new InvalidDataException($"{detector}: window state is inconsistent.");
        }

        var (built, lo, width) = withBinning ? (reader.ReadBoolean(), reader.ReadDouble(), reader.ReadDouble()) : (false, 0, 0);
        if (built && !(double.IsFinite(lo) && double.IsFinite(width) && width > 0))
        {
            throw new InvalidDataException($"{detector}: histogram binning is invalid.");
        }

        ring.CopyTo(_ring, 0);
        _held = ring.Length;
        _head = head;
        _built = false; // the counts are derived: rebuilt from the ring, on the saved bins if there were any
        if (built)
        {
            SetBinning(lo, width);
            Recount(lo + (0.5 * Bins * width));
        }
    }

    private double Quantile(double q, ref int anchorBin, ref int anchorBelow)
    {
        var n = _held;
        var pos = q * (n - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, n - 1);
        Locate(lo, ref anchorBin, ref anchorBelow);
        int bin2 = anchorBin, below2 = anchorBelow;
        Locate(hi, ref bin2, ref below2);
        double a, b;
        if (anchorBin == 0 || bin2 == Bins - 1)
        {
            // An edge bin also holds every clamped outlier: its span says nothing about where they are.
            var count = GatherValues(anchorBin, bin2);
            (a, b) = SelectPair(_scratch.AsSpan(0, count), lo - anchorBelow, hi - anchorBelow);
        }
        else
        {
            a = Spread(lo, anchorBin, anchorBelow);
            b = Spread(hi, bin2, below2);
        }

        return a + ((pos - lo) * (b - a));
    }

    // The value of a rank in a bin whose values are taken as evenly spread over it (the i-th of c at (i + ½)/c), kept
    // within the values the median's bin is known to hold (exact where they are all equal: flat and quantised series).
    private double Spread(int rank, int bin, int below)
    {
        var value = _lo + ((bin + ((rank - below + 0.5) / _counts[bin])) * _width);
        return bin == _medianBin ? Math.Clamp(value, _medianBinMin, _medianBinMax) : value;
    }

    private int BinOf(double value)
    {
        // Clamp in floating point before converting: far outliers (even ±∞ differences) land in the edge bins.
        var t = Math.Clamp((value - _lo) * _invWidth, 0, Bins - 1);
        return (int)t;
    }

    private void BuildFromRange()
    {
        var values = _ring.AsSpan(0, _held);
        double min = values[0], max = values[0];
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        Build(min, (max - min) / Bins, 0.5 * (min + max));
    }

    private void Build(double lo, double width, double anchor)
    {
        // A bin must stay far wider than the rounding of (x − lo), so a value can only be misplaced by a sliver of one.
        var scale = Math.Max(Math.Abs(lo), Math.Abs(anchor));
        width = Math.Max(double.IsFinite(width) ? width : double.MaxValue / Bins, Math.Max(scale * 1e-12, 1e-290));
        SetBinning(double.IsFinite(lo) ? lo : anchor, width);
        Recount(anchor);
    }

    private void SetBinning(double lo, double width)
    {
        _lo = lo;
        _width = width;
        _invWidth = 1 / width;
        _built = true;
    }

    private void Recount(double anchor)
    {
        Array.Clear(_counts);
        for (var i = 0; i < _held; i++)
        {
            var bin = BinOf(_ring[i]);
            _binOf[i] = (ushort)bin;
            _counts[bin]++;
        }

        _anchorBin = BinOf(anchor);
        _anchorBelow = 0;
        for (var b = 0; b < _anchorBin; b++)
        {
            _anchorBelow += _counts[b];
        }

        (_lowBin, _lowBelow, _highBin, _highBelow) = (_anchorBin, _anchorBelow, _anchorBin, _anchorBelow);
    }

    private void Locate(int rank, ref int bin, ref int below)
    {
        while (below > rank)
        {
            bin--;
            below -= _counts[bin];
        }

        while (below + _counts[bin] <= rank)
        {
            below += _counts[bin];
            bin++;
        }
    }

    /// <summary>
    /// The MAD when more than half of the values share the median's bin (its values are in the scratch): exact if the
    /// distances of ranks r and r2 among them are closer than either bin edge, since every value outside is farther.
    /// </summary>
    private bool TryMadInBin(double m, int bin, int count, int r, int r2, out double mad)
    {
        var values = _scratch.AsSpan(0, count);
        foreach (ref var v in values)
        {
            v = Math.Abs(v - m);
        }

        var (d1, d2) = SelectPair(values, r, r2);

        // Exact whatever the bins if the r2 + 1 nearest all equal m. Otherwise every value outside is at least `clear`
        // away: the edge bins are unbounded outwards (they hold the clamped values), and the margin covers the rounding
        // of BinOf, which can misplace a value by far less than 1/64 of a bin.
        var start = _lo + (bin * _width);
        var leftGap = bin == 0 ? double.PositiveInfinity : m - start;
        var rightGap = bin == Bins - 1 ? double.PositiveInfinity : start + _width - m;
        var clear = Math.Min(leftGap, rightGap) - (_width / 64);
        mad = (_held & 1) == 1 ? d1 : 0.5 * (d1 + d2);
        return d2 == 0 || d2 < clear;
    }

    /// <summary>
    /// The MAD with each bin's values taken as evenly spread over it, so the k-th smallest distance is where the count
    /// of values within m ± d reaches k + ½ (the middle of that value's share). In units of a bin, with m at α (≤ ½)
    /// from the nearer edge of its bin, that count C(u) is linear between the edges at α + i (near side) and
    /// 1 − α + i (far side), and at those edges it is a sum of whole bins plus a fixed fraction of one: an integer walk
    /// finds the first symmetric run of bins holding the target, and only its last few edges are evaluated.
    /// </summary>
    private double Mad(double m, int r, int r2)
    {
        var pos = (m - _lo) * _invWidth;
        var walk = new DistanceWalk(_counts, (int)Math.Clamp(Math.Floor(pos), 0, Bins - 1), pos);
        var d2 = 0.0;
        if (!walk.TryDistanceAt(r + 0.5, out var d1) || (r2 != r && !walk.TryDistanceAt(r2 + 0.5, out d2)))
        {
            return ExactMad(m, r, r2);
        }

        return (r2 == r ? d1 : 0.5 * (d1 + d2)) * _width;
    }

    /// <summary>The walk of <see cref="Mad"/>; successive targets must grow, and it resumes where the last stopped.</summary>
    private struct DistanceWalk
    {
        private readonly int[] _counts;
        private readonly int _bm;
        private readonly int _side; // the near side: bins bm + side·t
        private readonly double _alpha;
        private int _i;
        private int _sum; // S_i: the values in bins bm − i … bm + i
        private int _previous; // S_(i−1)

        public DistanceWalk(int[] counts, int bm, double pos)
        {
            _counts = counts;
            _bm = bm;
            var frac = Math.Clamp(pos - bm, 0, 1);
            _side = frac <= 0.5 ? -1 : 1;
            _alpha = Math.Min(frac, 1 - frac);
            _sum = counts[bm];
        }

        /// <summary>The distance in bins; false where an edge bin (clamped outliers, not evenly spread) would be read.</summary>
        public bool TryDistanceAt(double target, out double u)
        {
            u = 0;
            var bm = _bm;
            if (bm == 0 || bm == Bins - 1)
            {
                return false;
            }

            // Eight bins a side at a time while that stays short of the target, then one at a time.
            ref var first = ref MemoryMarshal.GetArrayDataReference(_counts);
            while (_sum < target && bm - _i - 8 >= 1 && bm + _i + 8 <= Bins - 2)
            {
                var both = Vector256.LoadUnsafe(ref first, (nuint)(bm + _i + 1)) + Vector256.LoadUnsafe(ref first, (nuint)(bm - _i - 8));
                var chunk = Vector256.Sum(both);
                if (_sum + chunk >= target)
                {
                    break;
                }

                _previous = _sum + chunk - _counts[bm - _i - 8] - _counts[bm + _i + 8];
                _sum += chunk;
                _i += 8;
            }

            while (_sum < target)
            {
                _i++;
                if (bm - _i <= 0 || bm + _i >= Bins - 1)
                {
                    return false;
                }

                _previous = _sum;
                _sum += _counts[bm - _i] + _counts[bm + _i];
            }

            var i = _i;
            if (bm - i - 1 <= 0 || bm + i + 1 >= Bins - 1)
            {
                return false;
            }

            // The edges, in order, from the last one whose count must be below the target to the first that reaches it.
            var (alpha, side) = (_alpha, _side);
            var beta = 1 - alpha;
            var gap = beta - alpha;
            int near = _counts[bm + (side * i)], far = _counts[bm - (side * i)], nearNext = _counts[bm + (side * (i + 1))];
            double u0, c0, u1, c1, u2, c2;
            var u3 = beta + i;
            var c3 = _sum + (gap * nearNext);
            if (i == 0)
            {
                (u0, c0) = (0, 0);
                (u1, c1) = (alpha, 2 * alpha * _sum);
                (u2, c2) = (u3, c3);
            }
            else
            {
                var farPrevious = _counts[bm - (side * (i - 1))];
                (u0, c0) = (alpha + i - 1, _previous - (gap * farPrevious));
                (u1, c1) = (beta + i - 1, _previous + (gap * near));
                (u2, c2) = (alpha + i, _previous + near + (2 * alpha * far));
            }

            // c0 < target ≤ c3: interpolate in the first segment that reaches it.
            var (ua, ca, ub, cb) = c1 >= target ? (u0, c0, u1, c1) : c2 >= target ? (u1, c1, u2, c2) : (u2, c2, u3, c3);
            u = ua + ((target - ca) / (cb - ca) * (ub - ua));
            return true;
        }
    }

    // The bins cannot bound the answer (half the window is beyond an edge bin): select over every distance.
    private double ExactMad(double m, int r, int r2)
    {
        var distances = _scratch.AsSpan(0, _held);
        for (var i = 0; i < distances.Length; i++)
        {
            distances[i] = Math.Abs(_ring[i] - m);
        }

        var (d1, d2) = SelectPair(distances, r, r2);
        return (_held & 1) == 1 ? d1 : 0.5 * (d1 + d2);
    }

    // Scans the 2-byte bin ids 16 at a time and visits only the lanes that hit (bit scan of the mask), so a refresh
    // touches the ring values of a few bins, not the whole window. from ≤ v ≤ to is one unsigned subtract and a min
    // (values below from wrap around to large numbers).
    private int GatherValues(int fromBin, int toBin)
    {
        var n = _held;
        ref var first = ref MemoryMarshal.GetArrayDataReference(_binOf);
        var count = 0;
        var i = 0;
        var offset = Vector256.Create((ushort)fromBin);
        var width = Vector256.Create((ushort)(toBin - fromBin));
        for (; i <= n - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
        {
            var x = Vector256.LoadUnsafe(ref first, (nuint)i) - offset;
            var hits = Vector256.Equals(Vector256.Min(x, width), x).ExtractMostSignificantBits();
            for (; hits != 0; hits &= hits - 1)
            {
                _scratch[count++] = _ring[i + BitOperations.TrailingZeroCount(hits)];
            }
        }

        for (; i < n; i++)
        {
            if (_binOf[i] >= fromBin && _binOf[i] <= toBin)
            {
                _scratch[count++] = _ring[i];
            }
        }

        return count;
    }

    /// <summary>The k-th and k2-th smallest (k2 is k or k + 1) of <paramref name="values"/>, which it reorders.</summary>
    internal static (double, double) SelectPair(Span<double> values, int k, int k2)
    {
        var kth = Select(values, k);
        if (k2 == k)
        {
            return (kth, kth);
        }

        // After selection everything right of k is ≥ values[k]: the next rank is the least of them.
        var next = double.PositiveInfinity;
        foreach (var v in values[(k + 1)..])
        {
            next = Math.Min(next, v);
        }

        return (kth, next);
    }

    // Hoare's FIND (Wirth's formulation): expected O(n), stops on equal keys so runs of ties split evenly.
    private static double Select(Span<double> a, int k)
    {
        int l = 0, r = a.Length - 1;
        while (l < r)
        {
            var x = a[k];
            int i = l, j = r;
            do
            {
                while (a[i] < x)
                {
                    i++;
                }

                while (x < a[j])
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }
            while (i <= j);

            if (j < k)
            {
                l = i;
            }

            if (k < i)
            {
                r = j;
            }
        }

        return a[k];
    }
}
