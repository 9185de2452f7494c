using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vigil.Core.Features;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// A fitted Isolation Forest (Liu, Ting &amp; Zhou, "Isolation Forest", ICDM 2008) with scikit-learn's semantics:
/// <see cref="ScoreSample"/> is <c>score_samples</c> = −2^(−E[h(x)] / c(ψ)) in [−1, 0), lower is more abnormal;
/// <see cref="DecisionFunction"/> = score − <see cref="Offset"/>; <see cref="Predict"/> is −1 (outlier) or 1.
/// Immutable and thread-safe: one instance scores every series of a job concurrently.
/// </summary>
public sealed class IsolationForestModel
{
    // Batches below this many (row × tree) visits are scored on the calling thread: task overhead would dominate.
    private const long ParallelWorkThreshold = 1L << 17;
    private const int RowBlock = 256;
    private const int StackFeatureLimit = 128;

    private readonly IsolationTree[] _trees;
    private readonly Node[] _nodes; // every tree, depth-first, left child = parent + 1
    private readonly int[] _roots;
    private readonly double _normaliser; // trees × c(ψ)

    public IsolationForestModel(int featureCount, IReadOnlyList<IsolationTree> trees, int maxSamples, double offset, InputPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 1);
        if (trees.Count == 0)
        {
            throw new ArgumentException("A forest needs at least one tree.", nameof(trees));
        }

        // score_samples lies in [−1, 0): an offset outside it would make every point (or none) an outlier.
        if (!(offset >= -1.0 && offset < 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset_ must be in [-1, 0).");
        }

        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown input precision.");
        }

        _trees = [.. trees];
        for (var t = 0; t < _trees.Length; t++)
        {
            if (_trees[t].FeatureCount != featureCount)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Tree {t} was built for {_trees[t].FeatureCount} features, the forest has {featureCount}."), nameof(trees));
            }
        }

        FeatureCount = featureCount;
        MaxSamples = maxSamples;
        Offset = offset;
        Precision = precision;
        (_nodes, _roots) = Compile(_trees);
        _normaliser = _trees.Length * PathLength.Average(maxSamples);
    }

    public int FeatureCount { get; }

    /// <summary>ψ, the sub-sample size each tree was grown from (<c>max_samples_</c>).</summary>
    public int MaxSamples { get; }

    /// <summary>scikit-learn's <c>offset_</c>: the decision threshold on <see cref="ScoreSample"/>.</summary>
    public double Offset { get; }

    public InputPrecision Precision { get; }

    public IReadOnlyList<IsolationTree> Trees => _trees;

    public int NodeCount => _nodes.Length;

    /// <summary>Fits a forest on <paramref name="x"/>; deterministic for <see cref="IsolationForestOptions.RandomState"/>.</summary>
    public static IsolationForestModel Fit(FeatureMatrix x, IsolationForestOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Isolation Forest options: " + string.Join("; ", errors), nameof(options));
        }

        if (x.Rows < 1)
        {
            throw new ArgumentException("Cannot fit on zero rows.", nameof(x));
        }

        var data = x.AsSpan().ToArray();
        if (options.Precision == InputPrecision.Rounded32Bit)
        {
            RoundToSingle(data);
        }

        foreach (var v in data)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Training rows must be finite (NaN/Inf features are skipped before fitting).", nameof(x));
            }
        }

        var psi = Math.Min(options.MaxSamples ?? IsolationForestOptions.AutoMaxSamples, x.Rows);
        var maxDepth = (int)Math.Ceiling(Math.Log2(Math.Max(psi, 2)));
        var featureSubset = Math.Max(1, (int)(options.MaxFeatures * x.Columns));

        // Seeds are drawn sequentially up front so the forest does not depend on how threads interleave.
        var master = new Xoshiro256(options.RandomState);
        var seeds = new ulong[options.Estimators];
        for (var t = 0; t < seeds.Length; t++)
        {
            seeds[t] = master.NextUInt64();
        }

        var trees = new IsolationTree[options.Estimators];
        Parallel.For(0, trees.Length, Parallelism(options.MaxDegreeOfParallelism), t =>
            trees[t] = new IsolationTreeBuilder(data, x.Columns, maxDepth, seeds[t]).Build(x.Rows, psi, featureSubset));

        var forest = new IsolationForestModel(x.Columns, trees, psi, IsolationForestOptions.AutoOffset, options.Precision);
        if (options.Contamination is not { } contamination)
        {
            return forest;
        }

        // As scikit-learn: the threshold is the contamination percentile of the training scores.
        var scores = forest.ScoreSamples(new FeatureMatrix(data, x.Rows, x.Columns), options.MaxDegreeOfParallelism);
        Array.Sort(scores);
        return forest.WithOffset(Percentile.OfSorted(scores, 100.0 * contamination));
    }

    public IsolationForestModel WithOffset(double offset) => new(FeatureCount, _trees, MaxSamples, offset, Precision);

    /// <summary>scikit-learn's <c>score_samples</c> for one row: −2^(−E[h(x)]/c(ψ)); allocation-free.</summary>
    public double ScoreSample(ReadOnlySpan<double> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} features, got {row.Length}.", nameof(row));
        }

        if (Precision == InputPrecision.Rounded32Bit)
        {
            double[]? rented = null;
            var buffer = FeatureCount <= StackFeatureLimit
                ? stackalloc double[FeatureCount]
                : (rented = ArrayPool<double>.Shared.Rent(FeatureCount)).AsSpan(0, FeatureCount);
            for (var i = 0; i < row.Length; i++)
            {
                buffer[i] = (float)row[i];
            }

            var score = -Math.Pow(2, -SumPathLengths(buffer) / _normaliser);
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }

            return _normaliser == 0 ? -1.0 : score;
        }

        return _normaliser == 0 ? -1.0 : -Math.Pow(2, -SumPathLengths(row) / _normaliser);
    }

    public double DecisionFunction(ReadOnlySpan<double> row) => ScoreSample(row) - Offset;

    /// <summary>−1 for an outlier (decision function &lt; 0), 1 for an inlier, as scikit-learn's <c>predict</c>.</summary>
    public int Predict(ReadOnlySpan<double> row) => DecisionFunction(row) < 0 ? -1 : 1;

    /// <summary>
    /// Vigil's anomaly score: <c>(−score_samples) / (−offset_)</c> = 2^(−E[h]/c(ψ)) relative to the threshold, so
    /// exactly 1.0 at the decision threshold, above 1 for outliers, and ≥ 0 always (see docs/models.md).
    /// </summary>
    public double AnomalyScore(ReadOnlySpan<double> row) => ToAnomalyScore(ScoreSample(row));

    public double ToAnomalyScore(double scoreSample) => scoreSample / Offset;

    /// <summary><c>score_samples</c> for every row; rows are split across cores when the batch is large enough to pay.</summary>
    public double[] ScoreSamples(FeatureMatrix x, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = new double[x.Rows];
        ScoreSamples(x, result, maxDegreeOfParallelism);
        return result;
    }

    public void ScoreSamples(FeatureMatrix x, double[] destination, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(destination);
        if (x.Columns != FeatureCount || destination.Length < x.Rows)
        {
            throw new ArgumentException($"Expected {FeatureCount} features and room for {x.Rows} scores.", nameof(x));
        }

        var blocks = (x.Rows + RowBlock - 1) / RowBlock;
        if (maxDegreeOfParallelism == 1 || (long)x.Rows * _roots.Length < ParallelWorkThreshold || blocks == 1)
        {
            for (var b = 0; b < blocks; b++)
            {
                ScoreBlock(x, b, destination);
            }

            return;
        }

        Parallel.For(0, blocks, Parallelism(maxDegreeOfParallelism), b => ScoreBlock(x, b, destination));
    }

    private void ScoreBlock(FeatureMatrix x, int block, double[] destination)
    {
        var start = block * RowBlock;
        var count = Math.Min(RowBlock, x.Rows - start);
        var source = x.AsSpan().Slice(start * FeatureCount, count * FeatureCount);
        var rented = ArrayPool<double>.Shared.Rent(source.Length);
        var rows = rented.AsSpan(0, source.Length);
        source.CopyTo(rows);
        if (Precision == InputPrecision.Rounded32Bit)
        {
            RoundToSingle(rows);
        }

        var depths = destination.AsSpan(start, count);
        depths.Clear();

        // Tree-major within a block: one tree's nodes stay in L1 while 256 rows walk it. Each row still sums its
        // trees in forest order, so the result is bit-identical to the row-at-a-time path.
        var nodes = _nodes;
        for (var t = 0; t < _roots.Length; t++)
        {
            var root = _roots[t];
            for (var r = 0; r < count; r++)
            {
                depths[r] += Walk(nodes, root, rows.Slice(r * FeatureCount, FeatureCount));
            }
        }

        for (var r = 0; r < count; r++)
        {
            depths[r] = _normaliser == 0 ? -1.0 : -Math.Pow(2, -depths[r] / _normaliser);
        }

        ArrayPool<double>.Shared.Return(rented);
    }

    private double SumPathLengths(ReadOnlySpan<double> row)
    {
        var nodes = _nodes;
        var sum = 0.0;
        foreach (var root in _roots)
        {
            sum += Walk(nodes, root, row);
        }

        return sum;
    }

    private static double Walk(Node[] nodes, int index, ReadOnlySpan<double> row)
    {
        ref var node = ref MemoryMarshal.GetArrayDataReference(nodes);
        while (true)
        {
            var n = Unsafe.Add(ref node, index);
            if (n.Feature < 0)
            {
                return n.Value;
            }

            index = row[n.Feature] <= n.Value ? index + 1 : n.Right;
        }
    }

    /// <summary>
    /// Flattens the trees into one array of 16-byte nodes in depth-first order. A leaf stores its whole
    /// contribution h(x) = depth + c(samples at the leaf) (scikit-learn's correction for leaves that stopped at the
    /// depth limit), so scoring a tree is a loop of compares and one add.
    /// </summary>
    private static (Node[] Nodes, int[] Roots) Compile(IsolationTree[] trees)
    {
        var nodes = new Node[trees.Sum(t => t.NodeCount)];
        var roots = new int[trees.Length];
        var next = 0;
        var stack = new Stack<(int Source, int Depth, int ParentSlot)>();
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = trees[t];
            roots[t] = next;
            stack.Push((0, 0, -1));
            while (stack.Count > 0)
            {
                var (source, depth, parentSlot) = stack.Pop();
                var slot = next++;
                if (parentSlot >= 0)
                {
                    nodes[parentSlot].Right = slot;
                }

                if (tree.IsLeaf(source))
                {
                    nodes[slot] = new Node { Feature = -1, Value = depth + PathLength.Average(tree.NodeSamples[source]) };
                    continue;
                }

                nodes[slot] = new Node { Feature = tree.Features[source], Value = tree.Thresholds[source] };

                // Right pushed first so the left child pops next and lands at slot + 1; it records where the
                // right child lands by patching this node when popped.
                stack.Push((tree.Right[source], depth + 1, slot));
                stack.Push((tree.Left[source], depth + 1, -1));
            }
        }

        return (nodes, roots);
    }

    private static void RoundToSingle(Span<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)values[i];
        }
    }

    private static ParallelOptions Parallelism(int? maxDegree) => new() { MaxDegreeOfParallelism = maxDegree ?? -1 };

    [StructLayout(LayoutKind.Sequential)]
    private struct Node
    {
        public double Value; // threshold, or the leaf's path length
        public int Feature; // −1 for a leaf
        public int Right;
    }
}
