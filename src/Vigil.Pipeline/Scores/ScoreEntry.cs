using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Scores;

/// <summary>The latest verdict of one exported series, with its label block formatted once at creation.</summary>
public sealed class ScoreEntry(string job, Labels seriesLabels, byte[] labelBlock)
{
    private readonly Lock _gate = new();
    private Verdict _verdict;
    private bool _hasScore;

    public string Job { get; } = job;

    public Labels SeriesLabels { get; } = seriesLabels;

    /// <summary>The exported label set, preformatted as UTF-8 <c>{job="…",…}</c>.</summary>
    public byte[] LabelBlock { get; } = labelBlock;

    public long TimestampMs { get; private set; }

    /// <summary>The store whose series slot holds this entry (<see cref="ScoredSeries"/>), if any.</summary>
    internal ScoreStore? Owner { get; set; }

    public void Update(in Verdict verdict, long timestampMs)
    {
        lock (_gate)
        {
            _verdict = verdict;
            _hasScore = true;
            TimestampMs = timestampMs;
        }
    }

    /// <summary>Reads the latest verdict consistently (a renderer must not see half of an update).</summary>
    public bool TryRead(out Verdict verdict)
    {
        lock (_gate)
        {
            verdict = _verdict;
            return _hasScore;
        }
    }
}
