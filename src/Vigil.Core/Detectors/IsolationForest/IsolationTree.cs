using System.Globalization;

namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>
/// One isolation tree as parallel arrays, in scikit-learn's <c>tree_</c> layout: node i splits on
/// <c>Features[i]</c> at <c>Thresholds[i]</c> (x ≤ threshold goes left), or is a leaf when
/// <c>Left[i] == Right[i] == -1</c>; <c>NodeSamples[i]</c> training rows reached it. Feature indices are global
/// (a converter maps scikit-learn's per-tree <c>estimators_features_</c> before building this).
/// This is the serialised form; <see cref="IsolationForestModel"/> compiles it for scoring.
/// </summary>
public sealed class IsolationTree
{
    public const int Leaf = -1;

    private readonly int[] _features;
    private readonly double[] _thresholds;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[] _nodeSamples;

    /// <summary>Validates the structure: a single rooted tree, children after parents, features in range.</summary>
    /// <exception cref="ArgumentException">The arrays do not form a valid tree; the message names the node.</exception>
    public IsolationTree(int[] features, double[] thresholds, int[] left, int[] right, int[] nodeSamples, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(nodeSamples);
        var n = features.Length;
        if (n == 0 || thresholds.Length != n || left.Length != n || right.Length != n || nodeSamples.Length != n)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Tree arrays must be non-empty and equally long (features {n}, thresholds {thresholds.Length}, left {left.Length}, right {right.Length}, samples {nodeSamples.Length})."));
        }

        var parents = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (nodeSamples[i] < 1)
            {
                throw Invalid(i, $"node_samples {nodeSamples[i]} < 1");
            }

            if (left[i] == Leaf && right[i] == Leaf)
            {
                continue;
            }

            // Children strictly after their parent rules out cycles; the parent count below rules out sharing.
            if (left[i] <= i || left[i] >= n || right[i] <= i || right[i] >= n || left[i] == right[i])
            {
                throw Invalid(i, $"children {left[i]}, {right[i]} out of range");
            }

            if (features[i] < 0 || features[i] >= featureCount)
            {
                throw Invalid(i, $"feature {features[i]} outside [0, {featureCount})");
            }

            if (double.IsNaN(thresholds[i]))
            {
                throw Invalid(i, "threshold is NaN");
            }

            parents[left[i]]++;
            parents[right[i]]++;
        }

        for (var i = 1; i < n; i++)
        {
            if (parents[i] != 1)
            {
                throw Invalid(i, $"has {parents[i]} parents");
            }
        }

        _features = features;
        _thresholds = thresholds;
        _left = left;
        _right = right;
        _nodeSamples = nodeSamples;
        FeatureCount = featureCount;
    }

    public int NodeCount => _features.Length;

    public int FeatureCount { get; }

    public ReadOnlySpan<int> Features => _features;

    public ReadOnlySpan<double> Thresholds => _thresholds;

    public ReadOnlySpan<int> Left => _left;

    public ReadOnlySpan<int> Right => _right;

    public ReadOnlySpan<int> NodeSamples => _nodeSamples;

    public bool IsLeaf(int node) => _left[node] == Leaf;

    private static ArgumentException Invalid(int node, string reason)
        => new(string.Create(CultureInfo.InvariantCulture, $"Invalid tree: node {node} {reason}."));
}
