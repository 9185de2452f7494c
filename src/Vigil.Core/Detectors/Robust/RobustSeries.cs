using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// State: two arrays of Window doubles (ring and sorted copy), 16·Window bytes plus ~40 bytes.
/// A sustained level shift re-anchors by itself once it fills half the window: the median moves to the new level.
/// </summary>
internal sealed class RobustSeries : ISerializableSeriesDetector
{
    private const byte Version = 1;

    // σ̂ = 1.4826·MAD is consistent with σ for normal data.
    private const double MadToSigma = 1.4826;

    private readonly SortedWindow _window;
    private readonly double _k;
    private readonly int _minPoints;
    private readonly double _rangeFloor;
    private readonly double _q;
    private readonly double _qNorm;
    private RangeTracker _range;
    private int _statsVersion = -1;
    private double _median;
    private double _spread;

    public RobustSeries(RobustOptions options)
    {
        // Windows above 128 points commit in batches of 64: O(N/64) per point instead of a block move of up to N values.
        _window = new SortedWindow(options.Window, options.Window > 128 ? 64 : 1);
        _k = options.K;
        _minPoints = options.MinPoints;
        _rangeFloor = options.RangeFloor;
        _q = options.TailQuantile;
        _qNorm = TailNormaliser(options.TailQuantile) ?? throw new ArgumentException("Unsupported tail quantile.", nameof(options));
    }

    /// <summary>2·z₁₋q: the width of the central 1−2q of a normal distribution in σ; null for an unsupported q.</summary>
    internal static double? TailNormaliser(double q) => q switch
    {
        0 => 1,
        0.01 => 4.653,
        0.02 => 4.107,
        0.05 => 3.290,
        0.1 => 2.563,
        0.25 => 1.349,
        _ => null,
    };

    public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
    {
        var value = features[0];
        if (!double.IsFinite(value))
        {
            return Verdict.Invalid;
        }

        Verdict verdict;
        if (_window.Count < _minPoints)
        {
            verdict = _window.Count == 0 ? Verdict.Warmup() : Verdict.Warmup(_window.Median());
        }
        else
        {
            if (_statsVersion != _window.Version)
            {
                // Statistics change only when the window commits (every 64 points for large windows).
                _statsVersion = _window.Version;
                _median = _window.Median();
                _spread = MadToSigma * _window.Mad(_median);
                if (_q > 0)
                {
                    _spread = Math.Max(_spread, (_window.Quantile(1 - _q) - _window.Quantile(_q)) / _qNorm);
                }
            }

            var median = _median;
            var spread = _spread;
            var halfWidth = _k * _range.Floor(spread, _rangeFloor);
            verdict = new Verdict(ScoreMath.FromDeviation(value - median, halfWidth), median, median - halfWidth, median + halfWidth, VerdictKind.Scored);
        }

        _window.Add(value);
        _range.Add(value);
        return verdict;
    }

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        _window.Write(writer);
        _range.Write(writer);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, RobustDetectorFactory.TypeName);
        _window.Read(reader, RobustDetectorFactory.TypeName);
        _range.Read(reader);
    }
}
