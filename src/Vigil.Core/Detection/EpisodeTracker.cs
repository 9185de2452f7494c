namespace Vigil.Core.Detection;

/// <summary>What one verdict did to a series' episode state.</summary>
public enum EpisodeTransition : byte
{
    /// <summary>Nothing changed: a normal point outside an episode, or a warm-up/invalid point.</summary>
    None = 0,

    /// <summary>The score crossed 1 after at least <see cref="EpisodeTracker.QuietPoints"/> normal points: a new episode.</summary>
    Onset = 1,

    /// <summary>The point belongs to the open episode (anomalous, or one of fewer than QuietPoints normal points after it).</summary>
    Continues = 2,

    /// <summary>The QuietPoints-th consecutive normal point: the episode closed (it ended at its last anomalous point).</summary>
    Ended = 3,
}

/// <summary>One anomaly episode of one series: from the onset to the last anomalous point.</summary>
public readonly record struct Episode(long StartMs, long EndMs, long PeakMs, double PeakScore, double PeakValue, double PeakExpected, AnomalyTest PeakTest, int AnomalousPoints);

/// <summary>
/// Turns per-point verdicts into episodes: "one incident, one alert" belongs here, not in the score. An episode opens
/// when a scored point is anomalous (score &gt; 1) and the series has seen at least <see cref="QuietPoints"/> normal
/// points since the last episode (or since it started); it stays open while anomalous points keep coming with fewer
/// than QuietPoints normal points between them, and closes on the QuietPoints-th normal point. Warm-up and invalid
/// points neither open, extend nor close an episode. Notifications, the NAB benchmark and the scenario suite count
/// onsets; a sustained incident is one onset however long its score stays above 1.
/// A mutable struct kept per series (no allocation per point); not thread-safe.
/// </summary>
public struct EpisodeTracker
{
    /// <summary>Default normal points that separate two episodes.</summary>
    public const int DefaultQuietPoints = 10;

    private int _normalRun;
    private bool _open;
    private long _start;
    private long _lastAnomalous;
    private long _peakMs;
    private double _peakScore;
    private double _peakValue;
    private double _peakExpected;
    private AnomalyTest _peakTest;
    private int _anomalous;

    public EpisodeTracker(int quietPoints)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quietPoints);
        QuietPoints = quietPoints;
        _normalRun = quietPoints;
    }

    public int QuietPoints { get; }

    public readonly bool IsOpen => _open;

    /// <summary>The open episode so far, or the one that just closed (valid after <see cref="EpisodeTransition.Ended"/>).</summary>
    public readonly Episode Current => new(_start, _lastAnomalous, _peakMs, _peakScore, _peakValue, _peakExpected, _peakTest, _anomalous);

    /// <summary>Feeds one verdict of the series, in timestamp order, with the value it judged.</summary>
    public EpisodeTransition Observe(long timestampMs, double value, in Verdict verdict)
    {
        if (QuietPoints == 0)
        {
            throw new InvalidOperationException("EpisodeTracker must be created with a QuietPoints count.");
        }

        if (verdict.Kind != VerdictKind.Scored)
        {
            return _open ? EpisodeTransition.Continues : EpisodeTransition.None;
        }

        if (verdict.IsAnomaly)
        {
            if (!_open)
            {
                if (_normalRun < QuietPoints)
                {
                    // Cannot happen: an episode closes exactly when the run reaches QuietPoints.
                    throw new InvalidOperationException("episode state is inconsistent");
                }

                _open = true;
                _start = timestampMs;
                _peakScore = double.NegativeInfinity;
                _anomalous = 0;
                Track(timestampMs, value, verdict);
                _normalRun = 0;
                return EpisodeTransition.Onset;
            }

            Track(timestampMs, value, verdict);
            _normalRun = 0;
            return EpisodeTransition.Continues;
        }

        if (_normalRun < QuietPoints)
        {
            _normalRun++;
        }

        if (!_open)
        {
            return EpisodeTransition.None;
        }

        if (_normalRun >= QuietPoints)
        {
            _open = false;
            return EpisodeTransition.Ended;
        }

        return EpisodeTransition.Continues;
    }

    private void Track(long timestampMs, double value, in Verdict verdict)
    {
        _lastAnomalous = timestampMs;
        _anomalous++;
        if (verdict.Score > _peakScore)
        {
            _peakScore = verdict.Score;
            _peakMs = timestampMs;
            _peakValue = value;
            _peakExpected = verdict.Expected;
            _peakTest = verdict.Test;
        }
    }

    /// <summary>Writes the tracker so a restored series keeps its open episode.</summary>
    public readonly void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write((byte)1);
        writer.Write(QuietPoints);
        writer.Write(_normalRun);
        writer.Write(_open);
        writer.Write(_start);
        writer.Write(_lastAnomalous);
        writer.Write(_peakMs);
        writer.Write(_peakScore);
        writer.Write(_peakValue);
        writer.Write(_peakExpected);
        writer.Write((byte)_peakTest);
        writer.Write(_anomalous);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; the quiet count of the configuration wins over the stored one.</summary>
    public static EpisodeTracker Read(BinaryReader reader, int quietPoints)
    {
        ArgumentNullException.ThrowIfNull(reader);
        StateFormat.CheckVersion(reader, 1, "episode");
        _ = reader.ReadInt32();
        var t = new EpisodeTracker(quietPoints)
        {
            _normalRun = Math.Min(reader.ReadInt32(), quietPoints),
            _open = reader.ReadBoolean(),
            _start = reader.ReadInt64(),
            _lastAnomalous = reader.ReadInt64(),
            _peakMs = reader.ReadInt64(),
            _peakScore = reader.ReadDouble(),
            _peakValue = reader.ReadDouble(),
            _peakExpected = reader.ReadDouble(),
            _peakTest = (AnomalyTest)reader.ReadByte(),
            _anomalous = reader.ReadInt32(),
        };
        if (t._open && t._normalRun >= quietPoints)
        {
            t._open = false;
        }

        return t;
    }
}
