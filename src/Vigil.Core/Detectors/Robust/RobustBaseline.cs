using Vigil.Core.Detection;
using Vigil.Core.Detectors.Common;

namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// State: a <see cref="BinnedWindow"/> (18·Window bytes plus 8 KB of histogram counts) and ~60 bytes.
/// The band is median ± k·σ̂ with an exact median and σ̂ read off the histogram to within 2% (see BinnedWindow).
/// A sustained level shift re-anchors by itself once it fills half the window: the median moves to the new level.
/// <para>
/// Windows above 128 points refresh their statistics every 64 points (from the window as it is then), as the
/// batched sorted window this replaced did; the point is scored against the last refresh, which is still causal.
/// Until the window is first full, and for small windows, every point refreshes.
/// </para>
/// </summary>
internal sealed class RobustBaseline : IBaseline
{
    // σ̂ = 1.4826·MAD is consistent with σ for normal data.
    private const double MadToSigma = 1.4826;

    // Bins span ±RebinSpan·σ̂ around the median after a re-centre (σ̂/25 wide): the quantiles in use are within 4.7·σ̂ of it.
    private const double RebinSpan = 10;

    private readonly int _capacity;
    private BinnedWindow _window;
    private readonly int _batch;
    private readonly int _minPoints;
    private readonly double _rangeFloor;
    private readonly double _q;
    private readonly double _qNorm;
    private RangeTracker _range;
    private int _pending;
    private bool _fresh;
    private double _median;
    private double _spread;

    public RobustBaseline(RobustOptions options)
    {
        _capacity = options.Window;
        _window = new BinnedWindow(options.Window);
        _batch = options.Window > 128 ? 64 : 1;
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

    public string Name => RobustDetectorFactory.TypeName;

    public bool TryPredict(long timestampMs, out Prediction prediction)
    {
        if (_window.Count < _minPoints)
        {
            prediction = Prediction.None(_window.Count == 0 ? double.NaN : _window.Median());
            return false;
        }

        if (!_fresh)
        {
            Refresh();
        }

        prediction = Prediction.Symmetric(_median, _range.Floor(_spread, _rangeFloor));
        return true;
    }

    public void Learn(long timestampMs, double value, double weight = 1)
    {
        var wasFull = _window.Count == _window.Capacity;
        _window.Add(value);
        _range.Add(value);
        if (!wasFull || ++_pending == _batch)
        {
            _pending = 0;
            _fresh = false;
        }
    }

    public void Exclude(long timestampMs, double value, AnomalyTest test = AnomalyTest.None)
    {
    }

    public void Rebaseline(ReadOnlySpan<long> timestampsMs, ReadOnlySpan<double> values, ReadOnlySpan<double> residuals)
    {
        // A new window holding only the new level (rare: an allocation per adaptation, never per point).
        _window = new BinnedWindow(_capacity);
        _pending = 0;
        _fresh = false;
        for (var i = 0; i < values.Length; i++)
        {
            Learn(timestampsMs[i], values[i]);
        }
    }

    private void Refresh()
    {
        _window.Statistics(_q, 1 - _q, out var median, out var mad, out var low, out var high);
        var spread = MadToSigma * mad;
        if (_q > 0)
        {
            spread = Math.Max(spread, (high - low) / _qNorm);
        }

        _median = median;
        _spread = spread;
        _fresh = true;

        // Re-centre when the bins are coarse for the current spread (the MAD and tail quantiles are read to within two
        // bins, and the median's bin has many values to select from) or so fine that the rank walks get long.
        var width = _window.BinWidth;
        if (spread > 0 && (width > spread / 40 || width < spread / 400))
        {
            _window.Rebin(median, RebinSpan * spread);
        }
    }

    public void Write(BinaryWriter writer)
    {
        _window.Write(writer);
        writer.Write(_pending);
        writer.Write(_fresh);
        writer.Write(_median);
        writer.Write(_spread);
        _range.Write(writer);
    }

    public void Read(BinaryReader reader)
    {
        _window.Read(reader, RobustDetectorFactory.TypeName, withBinning: true);
        var pending = reader.ReadInt32();
        if ((uint)pending >= (uint)_batch)
        {
            throw new InvalidDataException("robust: window state is inconsistent.");
        }

        _pending = pending;
        _fresh = reader.ReadBoolean();
        _median = reader.ReadDouble();
        _spread = reader.ReadDouble();
        _range.Read(reader);
    }
}
