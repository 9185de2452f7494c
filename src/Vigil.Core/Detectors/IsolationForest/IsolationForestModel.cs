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

    // Fitted on one row, c(ψ) = 0 and scikit-learn divides with out=1 where the denominator is 0: −2^(−1).
    private const double SingleSampleScore = -0.5;

    private readonly IsolationTree[] _trees;
    private readonly Node[] _nodes; // every tree; siblings adjacent (right = left + 1)
    private readonly double[] _leafValues; // h(x) of the leaf at the same index; unused for split nodes
    private readonly int[] _roots;
    private readonly int[] _treeDepths; // steps from root to the deepest leaf, per tree
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
        (_nodes, _leafValues, _roots, _treeDepths) = Compile(_trees);
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

        ThrowIfNaN(row, nameof(row));

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

            return _normaliser == 0 ? SingleSampleScore : score;
        }

        return _normaliser == 0 ? SingleSampleScore : -Math.Pow(2, -SumPathLengths(row) / _normaliser);
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

        ThrowIfNaN(x.AsSpan(), nameof(x));
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

        // Tree-major within a block: one tree's nodes stay in L1 while 256 rows walk it, eight rows in lockstep so
        // their independent load → compare → select chains overlap. Each row still sums its trees in forest order,
        // so the result is bit-identical to the row-at-a-time path.
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref var first = ref MemoryMarshal.GetReference(rows);
        var f = FeatureCount;
        for (var t = 0; t < _roots.Length; t++)
        {
            var root = _roots[t];
            var steps = _treeDepths[t];
            var r = 0;
            for (; r + 8 <= count; r += 8)
            {
                ref var x0 = ref Unsafe.Add(ref first, r * f);
                int i0 = root, i1 = root, i2 = root, i3 = root, i4 = root, i5 = root, i6 = root, i7 = root;
                for (var d = 0; d < steps; d++)
                {
                    i0 = Step(ref nodes, i0, ref x0);
                    i1 = Step(ref nodes, i1, ref Unsafe.Add(ref x0, f));
                    i2 = Step(ref nodes, i2, ref Unsafe.Add(ref x0, 2 * f));
                    i3 = Step(ref nodes, i3, ref Unsafe.Add(ref x0, 3 * f));
                    i4 = Step(ref nodes, i4, ref Unsafe.Add(ref x0, 4 * f));
                    i5 = Step(ref nodes, i5, ref Unsafe.Add(ref x0, 5 * f));
                    i6 = Step(ref nodes, i6, ref Unsafe.Add(ref x0, 6 * f));
                    i7 = Step(ref nodes, i7, ref Unsafe.Add(ref x0, 7 * f));
                }

                depths[r] += Unsafe.Add(ref leaves, i0);
                depths[r + 1] += Unsafe.Add(ref leaves, i1);
                depths[r + 2] += Unsafe.Add(ref leaves, i2);
                depths[r + 3] += Unsafe.Add(ref leaves, i3);
                depths[r + 4] += Unsafe.Add(ref leaves, i4);
                depths[r + 5] += Unsafe.Add(ref leaves, i5);
                depths[r + 6] += Unsafe.Add(ref leaves, i6);
                depths[r + 7] += Unsafe.Add(ref leaves, i7);
            }

            for (; r < count; r++)
            {
                depths[r] += Unsafe.Add(ref leaves, Walk(ref nodes, root, steps, ref Unsafe.Add(ref first, r * f)));
            }
        }

        for (var r = 0; r < count; r++)
        {
            depths[r] = _normaliser == 0 ? SingleSampleScore : -Math.Pow(2, -depths[r] / _normaliser);
        }

        ArrayPool<double>.Shared.Return(rented);
    }

    private double SumPathLengths(ReadOnlySpan<double> row)
    {
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(_leafValues);
        ref var x = ref MemoryMarshal.GetReference(row);
        var sum = 0.0;
        var t = 0;

        // One row, four trees in lockstep: independent chains overlap their latencies. Running a shallower tree for
        // the deeper one's steps is harmless (its leaves point at themselves); sums are added in tree order so the
        // result is bit-identical to the batch path.
        for (; t + 4 <= _roots.Length; t += 4)
        {
            int i0 = _roots[t], i1 = _roots[t + 1], i2 = _roots[t + 2], i3 = _roots[t + 3];
            var steps = Math.Max(Math.Max(_treeDepths[t], _treeDepths[t + 1]), Math.Max(_treeDepths[t + 2], _treeDepths[t + 3]));
            for (var d = 0; d < steps; d++)
            {
                i0 = Step(ref nodes, i0, ref x);
                i1 = Step(ref nodes, i1, ref x);
                i2 = Step(ref nodes, i2, ref x);
                i3 = Step(ref nodes, i3, ref x);
            }

            sum += Unsafe.Add(ref leaves, i0);
            sum += Unsafe.Add(ref leaves, i1);
            sum += Unsafe.Add(ref leaves, i2);
            sum += Unsafe.Add(ref leaves, i3);
        }

        for (; t < _roots.Length; t++)
        {
            sum += Unsafe.Add(ref leaves, Walk(ref nodes, _roots[t], _treeDepths[t], ref x));
        }

        return sum;
    }

    /// <summary>Returns the index of the leaf <paramref name="row"/> reaches.</summary>
    private static int Walk(ref Node nodes, int index, int steps, ref double row)
    {
        for (var d = 0; d < steps; d++)
        {
            index = Step(ref nodes, index, ref row);
        }

        return index;
    }

    /// <summary>
    /// One level down, without a branch: the comparison becomes 0 (left) or 1 (right) and is added to the index of
    /// the left child, its sibling being stored next to it. Random split directions would mispredict half the time.
    /// A leaf has threshold +∞ and points at itself, so every walk runs its tree's fixed depth and the loop branch is
    /// predictable too. Feature indices were validated against the row length when the forest was built, and NaN
    /// rows are rejected before walking, which is what makes the unchecked reads and the leaf trick safe.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref Node nodes, int index, ref double row)
    {
        ref var node = ref Unsafe.Add(ref nodes, index);
        return node.Left + Unsafe.BitCast<bool, byte>(!(Unsafe.Add(ref row, node.Feature) <= node.Threshold));
    }

    /// <summary>
    /// Flattens the trees into one array of 16-byte nodes, each split node's children stored side by side, so scoring
    /// a tree is a fixed number of branch-free steps. A leaf's contribution h(x) = depth + c(samples at the leaf)
    /// (scikit-learn's correction for leaves that stopped at the depth limit) is kept in a parallel array.
    /// </summary>
    private static (Node[] Nodes, double[] LeafValues, int[] Roots, int[] Depths) Compile(IsolationTree[] trees)
    {
        var count = trees.Sum(t => t.NodeCount);
        var nodes = new Node[count];
        var leafValues = new double[count];
        var roots = new int[trees.Length];
        var depths = new int[trees.Length];
        var next = 0;
        var stack = new Stack<(int Source, int Slot, int Depth)>();
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = trees[t];
            roots[t] = next++;
            stack.Push((0, roots[t], 0));
            while (stack.Count > 0)
            {
                var (source, slot, depth) = stack.Pop();
                if (tree.IsLeaf(source))
                {
                    nodes[slot] = new Node { Threshold = double.PositiveInfinity, Feature = 0, Left = slot };
                    leafValues[slot] = depth + PathLength.Average(tree.NodeSamples[source]);
                    depths[t] = Math.Max(depths[t], depth);
                    continue;
                }

                var left = next;
                next += 2;
                nodes[slot] = new Node { Threshold = tree.Thresholds[source], Feature = tree.Features[source], Left = left };
                stack.Push((tree.Right[source], left + 1, depth + 1));
                stack.Push((tree.Left[source], left, depth + 1));
            }
        }

        return (nodes, leafValues, roots, depths);
    }

    // scikit-learn refuses NaN input too; here it would also break the leaf trick in Step (NaN goes "right").
    private static void ThrowIfNaN(ReadOnlySpan<double> values, string name)
    {
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("Features must not be NaN.", name);
            }
        }
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
        public double Threshold; // +∞ for a leaf
        public int Feature; // 0 for a leaf (any valid index)
        public int Left; // the right child is Left + 1; a leaf's Left is itself
    }
}
