using System.Globalization;

namespace Vigil.Core.Features;

/// <summary>
/// Affine per-feature transform <c>(x − center) / scale</c>, fitted on training rows. Immutable: the same
/// instance is shared by every series scored with a model.
/// </summary>
public sealed class FeatureScaler
{
    private readonly ScalingKind[] _kinds;
    private readonly double[] _centers;
    private readonly double[] _scales;

    public FeatureScaler(IReadOnlyList<ScalingKind> kinds, IReadOnlyList<double> centers, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(centers);
        ArgumentNullException.ThrowIfNull(scales);
        if (kinds.Count == 0 || centers.Count != kinds.Count || scales.Count != kinds.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Scaler needs one kind, center and scale per feature (got {kinds.Count}, {centers.Count}, {scales.Count})."));
        }

        for (var i = 0; i < kinds.Count; i++)
        {
            if (!Enum.IsDefined(kinds[i]) || !double.IsFinite(centers[i]) || !double.IsFinite(scales[i]) || !(scales[i] > 0))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Scaler feature {i}: kind {kinds[i]}, center {centers[i]}, scale {scales[i]} (need a finite center and a finite scale > 0)."));
            }
        }

        _kinds = [.. kinds];
        _centers = [.. centers];
        _scales = [.. scales];
    }

    public int FeatureCount => _kinds.Length;

    public IReadOnlyList<ScalingKind> Kinds => _kinds;

    public IReadOnlyList<double> Centers => _centers;

    public IReadOnlyList<double> Scales => _scales;

    /// <summary>No transform for <paramref name="featureCount"/> features.</summary>
    public static FeatureScaler Identity(int featureCount)
        => new(Enumerable.Repeat(ScalingKind.None, featureCount).ToArray(), new double[featureCount], Enumerable.Repeat(1.0, featureCount).ToArray());

    /// <summary>
    /// Fits one transform per column. A constant column (zero spread) gets scale 1, so it maps to 0 instead of
    /// dividing by zero; the forest ignores constant features anyway.
    /// </summary>
    public static FeatureScaler Fit(FeatureMatrix rows, IReadOnlyList<ScalingKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Count != rows.Columns)
        {
            throw new ArgumentException($"Expected {rows.Columns} scaling kinds, got {kinds.Count}.", nameof(kinds));
        }

        if (rows.Rows == 0)
        {
            throw new ArgumentException("Cannot fit a scaler on zero rows.", nameof(rows));
        }

        var centers = new double[rows.Columns];
        var scales = new double[rows.Columns];
        var column = new double[rows.Rows];
        for (var c = 0; c < rows.Columns; c++)
        {
            for (var r = 0; r < rows.Rows; r++)
            {
                column[r] = rows[r, c];
            }

            (centers[c], scales[c]) = kinds[c] switch
            {
                ScalingKind.None => (0.0, 1.0),
                ScalingKind.Standard => MeanStd(column),
                ScalingKind.Robust => MedianIqr(column),
                _ => throw new ArgumentOutOfRangeException(nameof(kinds), kinds[c], "Unknown scaling kind."),
            };
            if (!(scales[c] > 0) || !double.IsFinite(scales[c]))
            {
                scales[c] = 1.0;
            }
        }

        return new FeatureScaler(kinds, centers, scales);
    }

    /// <summary>Writes the transformed <paramref name="source"/> into <paramref name="destination"/>; no allocation.</summary>
    public void Transform(ReadOnlySpan<double> source, Span<double> destination)
    {
        if (source.Length != _kinds.Length || destination.Length < source.Length)
        {
            throw new ArgumentException($"Expected {_kinds.Length} features, got {source.Length}.", nameof(source));
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (source[i] - _centers[i]) / _scales[i];
        }
    }

    public FeatureMatrix Transform(FeatureMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new FeatureMatrix(rows.Rows, rows.Columns);
        for (var r = 0; r < rows.Rows; r++)
        {
            Transform(rows.Row(r), result.MutableRow(r));
        }

        return result;
    }

    private static (double Center, double Scale) MeanStd(double[] values)
    {
        // Welford: one pass, no cancellation on large counters.
        double mean = 0, m2 = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var delta = values[i] - mean;
            mean += delta / (i + 1);
            m2 += delta * (values[i] - mean);
        }

        return (mean, Math.Sqrt(m2 / values.Length));
    }

    private static (double Center, double Scale) MedianIqr(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return (Percentile.OfSorted(sorted, 50), Percentile.OfSorted(sorted, 75) - Percentile.OfSorted(sorted, 25));
    }
}
