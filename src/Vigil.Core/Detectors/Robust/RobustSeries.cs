using Vigil.Core.Detection;

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

    public RobustSeries(RobustOptions options)
    {
        _window = new SortedWindow(options.Window);
        _k = options.K;
        _minPoints = options.MinPoints;
    }

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
            var median = _window.Median();
            var halfWidth = _k * MadToSigma * _window.Mad(median);
            verdict = new Verdict(ScoreMath.FromDeviation(value - median, halfWidth), median, median - halfWidth, median + halfWidth, VerdictKind.Scored);
        }

        _window.Add(value);
        return verdict;
    }

    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Version);
        Span<double> values = _window.Count <= 1024 ? stackalloc double[_window.Count] : new double[_window.Count];
        _window.CopyInArrivalOrder(values);
        StateFormat.WriteArray(writer, values);
    }

    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, Version, RobustDetectorFactory.TypeName);
        var values = StateFormat.ReadArray(reader, _window.Capacity, RobustDetectorFactory.TypeName);
        _window.Clear();
        foreach (var v in values)
        {
            _window.Add(v);
        }
    }
}
