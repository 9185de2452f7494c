using System.Numerics;
using System.Runtime.Intrinsics;
using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// The last N values in arrival order plus a histogram of them over <see cref="Bins"/> equal-width bins, for exact
/// order statistics (median, quantiles, MAD) in amortised O(1) per point.
/// <para>
/// Keeping a sorted copy costs O(log N) comparisons per point at best (a batched merge measured ~95 ns/point at
/// N = 1000); the histogram costs two counter updates. Binning is monotone (x ≤ y ⇒ bin(x) ≤ bin(y), values outside
/// the range clamp into the edge bins), so the k-th smallest value lies in the bin where the running count passes k,
/// and only that bin's few values are gathered (a vectorised scan of the 2-byte bin ids) and selected exactly.
/// The MAD is found the same way on distances: bins bound |x − median| from both sides, so every bin is counted,
/// skipped or (the few straddling the answer) gathered. The results never depend on the binning, only the speed
/// does; the caller re-centres the bins (<see cref="Rebin"/>) when they get coarse or sparse for the data.
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

    /// <summary>Values gathered for exact selection by the last <see cref="Statistics"/> call (a cost indicator).</summary>
    public int LastGathered { get; private set; }

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
    /// Exact median, median absolute deviation from it, and the linearly interpolated quantiles <paramref name="qLow"/>
    /// and <paramref name="qHigh"/> of the held values (same definitions as a fully sorted window).
    /// </summary>
    public void Statistics(double qLow, double qHigh, out double median, out double mad, out double low, out double high)
    {
        if (!_built)
        {
            BuildFromRange();
        }

        LastGathered = 0;
        var n = _held;
        var (m1, m2) = RankPair((n - 1) / 2, n / 2, ref _anchorBin, ref _anchorBelow);
        median = (n & 1) == 1 ? m1 : 0.5 * (m1 + m2);
        var (d1, d2) = DistancePair(median, (n - 1) / 2, n / 2);
        mad = (n & 1) == 1 ? d1 : 0.5 * (d1 + d2);
        low = Quantile(qLow, ref _lowBin, ref _lowBelow);
        high = Quantile(qHigh, ref _highBin, ref _highBelow);
    }

    /// <summary>Re-centres the bins on [center − halfRange, center + halfRange) and recounts: O(N + Bins).</summary>
    public void Rebin(double center, double halfRange) => Build(center - halfRange, 2 * halfRange / Bins, center);

    public void Write(BinaryWriter writer)
    {
        StateFormat.WriteArray(writer, _ring.AsSpan(0, _held));
        writer.Write(_head);
    }

    public void Read(BinaryReader reader, string detector)
    {
        var ring = StateFormat.ReadArray(reader, _ring.Length, detector);
        var head = reader.ReadInt32();
        if ((uint)head >= (uint)_ring.Length || (ring.Length < _ring.Length && head != ring.Length % _ring.Length))
        {
            throw new InvalidDataException($"{detector}: window state is inconsistent.");
        }

        ring.CopyTo(_ring, 0);
        _held = ring.Length;
        _head = head;
        _built = false; // the histogram is derived: rebuilt from the ring when next needed
    }

    private double Quantile(double q, ref int anchorBin, ref int anchorBelow)
    {
        var n = _held;
        var pos = q * (n - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, n - 1);
        var (a, b) = RankPair(lo, hi, ref anchorBin, ref anchorBelow);
        return a + ((pos - lo) * (b - a));
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
        // A bin must stay far wider than the rounding of (x − lo), so the one-bin padding in DistancePair covers it.
        var scale = Math.Max(Math.Abs(lo), Math.Abs(anchor));
        width = Math.Max(double.IsFinite(width) ? width : double.MaxValue / Bins, Math.Max(scale * 1e-12, 1e-290));
        _lo = double.IsFinite(lo) ? lo : anchor;
        _width = width;
        _invWidth = 1 / width;
        _built = true;
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

    /// <summary>The values of rank <paramref name="r"/> and <paramref name="r2"/> (r2 is r or r + 1), 0-based ascending.</summary>
    private (double, double) RankPair(int r, int r2, ref int anchorBin, ref int anchorBelow)
    {
        Locate(r, ref anchorBin, ref anchorBelow);
        int bin = anchorBin, below = anchorBelow;
        int bin2 = bin, below2 = below;
        Locate(r2, ref bin2, ref below2);

        // Bins are monotone, so the values of bins [bin, bin2] hold global ranks below, below + 1, …
        var count = GatherValues(bin, bin2);
        return SelectPair(_scratch.AsSpan(0, count), r - below, r2 - below);
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

    /// <summary>Ranks <paramref name="r"/> and <paramref name="r2"/> of |x − <paramref name="m"/>| over the held values.</summary>
    private (double, double) DistancePair(double m, int r, int r2)
    {
        // Pass 1: grow a symmetric run of bins [bm − j, bm + j] around m's bin. J1 is the first j whose run holds r + 1
        // values: anything outside the run before it is at least L away, so fewer than r + 1 values lie closer than L.
        // J2 is the first j whose run holds r2 + 1 values, all within U (the run's largest possible distance).
        var bm = BinOf(m);
        int count = _counts[bm], j = 0;
        var j1 = count >= r + 1 ? 0 : -1;
        while (count < r2 + 1)
        {
            j++;
            count += (bm - j >= 0 ? _counts[bm - j] : 0) + (bm + j < Bins ? _counts[bm + j] : 0);
            if (j1 < 0 && count >= r + 1)
            {
                j1 = j;
            }
        }

        var lower = j1 == 0 ? 0 : Math.Min(MinDistance(Math.Max(bm - j1, 0), m), MinDistance(Math.Min(bm + j1, Bins - 1), m));
        var upper = Math.Max(MaxDistance(Math.Max(bm - j, 0), m), MaxDistance(Math.Min(bm + j, Bins - 1), m));

        // Pass 2: the bins that can hold a distance in [L, U] form one run [g1, g2] (it contains the pass-1 run); inside
        // it, the bins whose every distance is below L form a run [i1, i2] that is only counted. The rest is gathered.
        int g1 = Math.Max(bm - j, 0), g2 = Math.Min(bm + j, Bins - 1);
        while (g1 > 0 && MinDistance(g1 - 1, m) <= upper)
        {
            g1--;
        }

        while (g2 < Bins - 1 && MinDistance(g2 + 1, m) <= upper)
        {
            g2++;
        }

        // Bins bm ± j1 are at least L away, so the run lies strictly between them; MaxDistance is quasi-convex in the bin,
        // so walking in from both ends to the first inner bin finds it in a few steps.
        int i1 = Math.Max(bm - j1 + 1, 0), i2 = Math.Min(bm + j1 - 1, Bins - 1), below = 0;
        while (i1 <= i2 && !(MaxDistance(i1, m) < lower))
        {
            i1++;
        }

        while (i2 >= i1 && !(MaxDistance(i2, m) < lower))
        {
            i2--;
        }

        if (i1 <= i2)
        {
            foreach (var c in _counts.AsSpan(i1, i2 - i1 + 1))
            {
                below += c;
            }
        }
        else
        {
            (i1, i2) = (1, 0);
        }

        var gathered = GatherDistances(g1, g2, i1, i2, m, lower, upper, ref below);
        var k = r - below;
        var k2 = r2 - below;
        if (k < 0 || k2 >= gathered)
        {
            // Cannot happen with the one-bin padding; kept so a rounding surprise costs time, never exactness.
            gathered = _held;
            for (var i = 0; i < gathered; i++)
            {
                _scratch[i] = Math.Abs(_ring[i] - m);
            }

            k = r;
            k2 = r2;
        }

        return SelectPair(_scratch.AsSpan(0, gathered), k, k2);
    }

    // Value bounds of bin b padded by one bin each side (so rounding in BinOf can never put a value outside them);
    // the edge bins also hold every clamped outlier, so they are unbounded outwards.
    private double MinDistance(int b, double m)
    {
        var vLow = b == 0 ? double.NegativeInfinity : _lo + ((b - 1) * _width);
        var vHigh = b == Bins - 1 ? double.PositiveInfinity : _lo + ((b + 2) * _width);
        return m < vLow ? vLow - m : m > vHigh ? m - vHigh : 0;
    }

    private double MaxDistance(int b, double m)
    {
        var vLow = b == 0 ? double.NegativeInfinity : _lo + ((b - 1) * _width);
        var vHigh = b == Bins - 1 ? double.PositiveInfinity : _lo + ((b + 2) * _width);
        return Math.Max(m - vLow, vHigh - m);
    }

    // Both gathers scan the 2-byte bin ids 16 at a time and visit only the lanes that hit (bit scan of the mask), so a
    // refresh touches the ring values of a few bins, not the whole window.
    private int GatherValues(int fromBin, int toBin)
    {
        var bins = _binOf.AsSpan(0, _held);
        var offset = Vector256.Create((ushort)fromBin);
        var width = Vector256.Create((ushort)(toBin - fromBin));
        var count = 0;
        var i = 0;
        for (; i <= bins.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
        {
            var hit = InRange(Vector256.Create<ushort>(bins[i..]), offset, width);
            if (hit == Vector256<ushort>.Zero)
            {
                continue;
            }

            var hits = hit.ExtractMostSignificantBits();
            while (hits != 0)
            {
                _scratch[count++] = _ring[i + BitOperations.TrailingZeroCount(hits)];
                hits &= hits - 1;
            }
        }

        for (; i < bins.Length; i++)
        {
            if (bins[i] >= fromBin && bins[i] <= toBin)
            {
                _scratch[count++] = _ring[i];
            }
        }

        LastGathered += count;
        return count;
    }

    private int GatherDistances(int g1, int g2, int i1, int i2, double m, double lower, double upper, ref int below)
    {
        var bins = _binOf.AsSpan(0, _held);
        var gOffset = Vector256.Create((ushort)g1);
        var gWidth = Vector256.Create((ushort)(g2 - g1));
        var inner = i1 <= i2;
        var iOffset = Vector256.Create((ushort)(inner ? i1 : 0));
        var iWidth = Vector256.Create((ushort)(inner ? i2 - i1 : 0));
        var count = 0;
        var i = 0;
        for (; i <= bins.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
        {
            var v = Vector256.Create<ushort>(bins[i..]);
            var hit = InRange(v, gOffset, gWidth);
            if (inner)
            {
                hit = Vector256.AndNot(hit, InRange(v, iOffset, iWidth));
            }

            if (hit == Vector256<ushort>.Zero)
            {
                continue;
            }

            var hits = hit.ExtractMostSignificantBits();
            while (hits != 0)
            {
                Classify(_ring[i + BitOperations.TrailingZeroCount(hits)], ref count, ref below);
                hits &= hits - 1;
            }
        }

        for (; i < bins.Length; i++)
        {
            int b = bins[i];
            if (b >= g1 && b <= g2 && !(b >= i1 && b <= i2))
            {
                Classify(_ring[i], ref count, ref below);
            }
        }

        LastGathered += count;
        return count;

        void Classify(double x, ref int count, ref int below)
        {
            var d = Math.Abs(x - m);
            if (d < lower)
            {
                below++;
            }
            else if (d <= upper)
            {
                _scratch[count++] = d;
            }
        }
    }

    // from ≤ v ≤ from + width as one unsigned subtract and min (values below from wrap around to large numbers).
    private static Vector256<ushort> InRange(Vector256<ushort> v, Vector256<ushort> from, Vector256<ushort> width)
    {
        var x = v - from;
        return Vector256.Equals(Vector256.Min(x, width), x);
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
