namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// Grows one isolation tree the way scikit-learn's <c>ExtraTreeRegressor(max_features=1, splitter="random")</c>
/// does inside <c>IsolationForest</c>: at each node draw features at random until one is not constant on the
/// node's rows, split uniformly between its min and max, stop at depth ⌈log2 ψ⌉ or one row (Liu et al. 2008, Alg. 2).
/// Nodes are laid out depth-first with the left child right after its parent, like scikit-learn's builder.
/// </summary>
internal sealed class IsolationTreeBuilder
{
    // scikit-learn's FEATURE_THRESHOLD: a feature whose spread on a node is below this is treated as constant.
    private const double FeatureThreshold = 1e-7;

    private readonly double[] _x; // row-major, already rounded to the model's input precision
    private readonly int _columns;
    private readonly int _maxDepth;
    private readonly List<int> _features = [];
    private readonly List<double> _thresholds = [];
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];
    private readonly List<int> _samples = [];
    private Xoshiro256 _rng;

    public IsolationTreeBuilder(double[] x, int columns, int maxDepth, ulong seed)
    {
        _x = x;
        _columns = columns;
        _maxDepth = maxDepth;
        _rng = new Xoshiro256(seed);
    }

    public IsolationTree Build(int rows, int sampleSize, int featureSubsetSize)
    {
        var sample = SampleRows(rows, sampleSize);

        // Feature sub-set per tree (bootstrap_features=False); scikit-learn's default max_features=1.0 keeps all.
        var allowed = new int[_columns];
        for (var i = 0; i < _columns; i++)
        {
            allowed[i] = i;
        }

        for (var i = 0; i < featureSubsetSize; i++)
        {
            var j = i + _rng.NextInt(_columns - i);
            (allowed[i], allowed[j]) = (allowed[j], allowed[i]);
        }

        Grow(sample, 0, sampleSize, 0, allowed.AsSpan(0, featureSubsetSize).ToArray());
        return new IsolationTree([.. _features], [.. _thresholds], [.. _left], [.. _right], [.. _samples], _columns);
    }

    /// <summary>
    /// ψ distinct rows out of n without replacement (bootstrap=False) by Floyd's algorithm: O(ψ) time and memory,
    /// where a shuffled index array would cost 400 KB per tree on 100k rows.
    /// </summary>
    private int[] SampleRows(int rows, int sampleSize)
    {
        var sample = new int[sampleSize];
        if (sampleSize == rows)
        {
            for (var i = 0; i < rows; i++)
            {
                sample[i] = i;
            }

            return sample;
        }

        var chosen = new HashSet<int>(sampleSize);
        var k = 0;
        for (var j = rows - sampleSize; j < rows; j++)
        {
            var pick = _rng.NextInt(j + 1);
            if (!chosen.Add(pick))
            {
                pick = j;
                chosen.Add(j);
            }

            sample[k++] = pick;
        }

        return sample;
    }

    private int Grow(int[] rows, int start, int count, int depth, int[] allowed)
    {
        var node = AddNode(count);
        if (count <= 1 || depth >= _maxDepth)
        {
            return node;
        }

        // Draw candidate features without replacement until one varies on this node (scikit-learn's random splitter
        // skips constant features without counting them against max_features=1).
        var candidates = (int[])allowed.Clone();
        for (var drawn = 0; drawn < candidates.Length; drawn++)
        {
            var pick = drawn + _rng.NextInt(candidates.Length - drawn);
            (candidates[drawn], candidates[pick]) = (candidates[pick], candidates[drawn]);
            var feature = candidates[drawn];
            var min = double.PositiveInfinity;
            var max = double.NegativeInfinity;
            for (var i = start; i < start + count; i++)
            {
                var v = _x[(rows[i] * _columns) + feature];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            if (max <= min + FeatureThreshold)
            {
                continue;
            }

            var threshold = min + ((max - min) * _rng.NextDouble());
            if (threshold >= max)
            {
                // Rounding can land on max, which would leave the right side empty; scikit-learn falls back to min.
                threshold = min;
            }

            var split = Partition(rows, start, count, feature, threshold);
            _features[node] = feature;
            _thresholds[node] = threshold;
            _left[node] = Grow(rows, start, split - start, depth + 1, allowed);
            _right[node] = Grow(rows, split, start + count - split, depth + 1, allowed);
            return node;
        }

        return node; // every feature constant on these rows: they cannot be isolated further
    }

    private int Partition(int[] rows, int start, int count, int feature, double threshold)
    {
        var lo = start;
        var hi = start + count - 1;
        while (lo <= hi)
        {
            if (_x[(rows[lo] * _columns) + feature] <= threshold)
            {
                lo++;
            }
            else
            {
                (rows[lo], rows[hi]) = (rows[hi], rows[lo]);
                hi--;
            }
        }

        return lo;
    }

    private int AddNode(int samples)
    {
        _features.Add(IsolationTree.Leaf);
        _thresholds.Add(double.NaN);
        _left.Add(IsolationTree.Leaf);
        _right.Add(IsolationTree.Leaf);
        _samples.Add(samples);
        return _features.Count - 1;
    }
}
