using System.Diagnostics;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Nab;

/// <summary>What <c>vigil bench nab</c> did: files written and, when the directory holds NAB labels, the scores.</summary>
public sealed record NabBenchmarkResult(
    int Files,
    long Points,
    TimeSpan DetectionTime,
    IReadOnlyList<NabScore>? Optimised,
    IReadOnlyList<NabScore>? AtDefaultThreshold);

/// <summary>
/// <c>vigil bench nab</c>: every CSV of a NAB-layout directory through one detector, results written in the layout
/// the reference scorer reads, and scored in-process with the port when labels are present.
/// </summary>
public static class NabBenchmark
{
    public static NabBenchmarkResult Run(string dataDir, string outDir, IDetector detector, NabScoring scoring = NabScoring.Onset, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var files = NabRunner.FindFiles(dataDir);
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"No <category>/<file>.csv files under '{dataDir}'.");
        }

        var data = files.Select(f => TimeSeriesCsv.Read(f.Path, TimeSeriesCsv.DuplicateTimestamps.Keep) with { Name = f.Key }).ToArray();
        var stopwatch = Stopwatch.StartNew();
        var scores = NabRunner.Run(detector, data, scoring);
        stopwatch.Stop();
        for (var i = 0; i < data.Length; i++)
        {
            NabRunner.Write(outDir, files[i].Key, data[i], scores[i]);
            progress?.Report(files[i].Key);
        }

        IReadOnlyList<NabScore>? optimised = null;
        IReadOnlyList<NabScore>? atDefault = null;
        var corpusRoot = LabelsRoot(dataDir);
        if (corpusRoot is not null)
        {
            var corpus = NabCorpus.Load(corpusRoot);
            var byKey = data.Select((d, i) => (d.Name, Scores: scores[i])).ToDictionary(x => x.Name, x => x.Scores, StringComparer.Ordinal);
            if (corpus.Files.All(f => byKey.ContainsKey(f.Key)))
            {
                var scorer = new NabScorer(corpus);
                var aligned = corpus.Files.Select(f => byKey[f.Key]).ToArray();
                optimised = scorer.Score(aligned);
                atDefault = scorer.Score(aligned, NabRunner.DefaultThreshold);
            }
        }

        return new NabBenchmarkResult(data.Length, data.Sum(d => (long)d.Count), stopwatch.Elapsed, optimised, atDefault);
    }

    /// <summary>The corpus root (holding labels/ and config/) at or above <paramref name="dataDir"/>, or null.</summary>
    public static string? LabelsRoot(string dataDir)
    {
        foreach (var candidate in new[] { dataDir, Path.Combine(dataDir, "..") })
        {
            if (File.Exists(Path.Combine(candidate, "labels", "combined_windows.json")) && File.Exists(Path.Combine(candidate, "config", "profiles.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
