using System.Globalization;
using System.Text;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Nab;

/// <summary>What a row's NAB score says.</summary>
public enum NabScoring
{
    /// <summary>
    /// What would page a human (the reported figure): the onset row of each anomaly episode (<see cref="EpisodeTracker"/>)
    /// carries its score, every other row 0. A sustained incident is one detection however long it scores above 1.
    /// </summary>
    Onset = 0,

    /// <summary>Every row carries its own score (the detector's raw per-point output).</summary>
    Point = 1,
}

/// <summary>One file's scores, already mapped to NAB's [0, 1] by <see cref="NabRunner.ToUnitScore"/>.</summary>
public sealed record NabFileResult(string Key, TimeSeriesData Data, double[] Scores);

/// <summary>
/// Streams NAB data files through a detector, one fresh series per file, exactly as live (causal, point by point).
/// </summary>
public static class NabRunner
{
    /// <summary>
    /// The one fixed, monotone map from Vigil's score (0 … <see cref="ScoreMath.MaxScore"/>) to NAB's [0, 1]:
    /// <c>s / (1 + s)</c>. Vigil's alert threshold score &gt; 1 becomes NAB score &gt; 0.5; warm-up and invalid points map to 0.
    /// </summary>
    public static double ToUnitScore(double score) => score > 0 ? score / (1.0 + score) : 0.0;

    /// <summary>Vigil's default alert threshold (score &gt; 1) on NAB's scale. NAB counts score ≥ threshold, so use the next double up.</summary>
    public static double DefaultThreshold { get; } = Math.BitIncrement(ToUnitScore(1.0));

    public static double[] Run(IDetector detector, TimeSeriesData data, NabScoring scoring = NabScoring.Onset)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(data);
        var series = detector.CreateSeries();
        var episodes = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        var scores = new double[data.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var value = data.Values[i];
            var verdict = series.Observe(data.TimestampsMs[i], value);
            var transition = episodes.Observe(data.TimestampsMs[i], value, verdict);
            var counts = scoring == NabScoring.Point || transition == EpisodeTransition.Onset;
            scores[i] = counts && verdict.Kind == VerdictKind.Scored ? ToUnitScore(verdict.Score) : 0.0;
        }

        return scores;
    }

    /// <summary>Runs every file (in parallel: files are independent series) and returns scores in input order.</summary>
    public static double[][] Run(IDetector detector, IReadOnlyList<TimeSeriesData> files, NabScoring scoring = NabScoring.Onset)
    {
        ArgumentNullException.ThrowIfNull(files);
        var results = new double[files.Count][];
        Parallel.For(0, files.Count, i => results[i] = Run(detector, files[i], scoring));
        return results;
    }

    /// <summary>
    /// Finds the CSV files of a NAB-layout directory: <paramref name="dataDir"/> may be the corpus root
    /// (holding <c>data/</c>) or the <c>data/</c> folder itself. Keys are <c>category/file.csv</c>, ordinal order.
    /// </summary>
    public static IReadOnlyList<(string Key, string Path)> FindFiles(string dataDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        var root = Directory.Exists(Path.Combine(dataDir, "data")) ? Path.Combine(dataDir, "data") : dataDir;
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"NAB data directory '{dataDir}' does not exist.");
        }

        return [.. Directory.EnumerateDirectories(root)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*.csv").Select(file => ($"{Path.GetFileName(dir)}/{Path.GetFileName(file)}", file)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)];
    }

    /// <summary>Writes <c>&lt;outDir&gt;/&lt;category&gt;/&lt;file&gt;.csv</c> with <c>timestamp,anomaly_score</c>, the layout the NAB scorer reads.</summary>
    public static void Write(string outDir, string key, TimeSeriesData data, double[] scores)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(scores);
        var path = Path.Combine(outDir, key.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sb = new StringBuilder(scores.Length * 32);
        sb.Append("timestamp,anomaly_score\n");
        // NAB's scorer wants one result per data row: a row the reader skipped (out of order) gets score 0, in file order.
        var skipped = data.Skipped.Where(r => r.TimestampMs is not null).ToList();
        var next = 0;
        for (var i = 0; i <= scores.Length; i++)
        {
            for (; next < skipped.Count && skipped[next].Position <= i; next++)
            {
                Row(sb, skipped[next].TimestampMs!.Value, 0.0);
            }

            if (i < scores.Length)
            {
                Row(sb, data.TimestampsMs[i], scores[i]);
            }
        }

        File.WriteAllText(path, sb.ToString());
    }

    private static void Row(StringBuilder sb, long timestampMs, double score)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).UtcDateTime;
        sb.Append(time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(',')
          .Append(score.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }
}
