using System.Diagnostics;
using System.Globalization;
using Vigil.Backtesting.Nab;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Tests.Nab;

public sealed class NabScorerTests
{
    [Fact]
    public void Score_PerfectAndSilentDetectors_Give100And0()
    {
        var corpus = SmallCorpus();
        var scorer = new NabScorer(corpus);
        var perfect = new double[200];
        perfect[100] = 1; // first row of the window
        var silent = new double[200];

        Assert.All(scorer.Score([perfect]), s => Assert.Equal(100, s.Normalized, 6));
        Assert.All(scorer.Score([silent]), s => Assert.Equal(0, s.Normalized, 6));
    }

    [Fact]
    public void Score_LateDetectionAndFalsePositive_FollowNabWeights()
    {
        var corpus = SmallCorpus();
        var scores = new double[200];
        scores[115] = 1; // middle of the window [100, 129]
        scores[50] = 1; // before any window: a full false positive

        var standard = new NabScorer(corpus).Score([scores], 0.5).Single(s => s.Profile == "standard");

        // σ(−(129 − 115 + 1)/30)/σ(−1) for the detection, −0.11 for the false positive; null = −1, perfect = 1.
        var tp = Math.Tanh(2.5 * 0.5) / Math.Tanh(2.5);
        Assert.Equal(tp - 0.11, standard.Raw, 9);
        Assert.Equal(100 * (tp - 0.11 + 1) / 2, standard.Normalized, 9);
        Assert.Equal(1, standard.FalsePositives);
    }

    [Fact]
    public void Score_AutoOnFullCorpus_AgreesWithReferenceScorer()
    {
        var corpus = NabCorpus.Load(NabData.Root);
        var detector = DetectorRegistry.CreateDefault().Create(new DetectorSpec("auto", new Dictionary<string, string>()));
        var scores = NabRunner.Run(detector, [.. corpus.Files.Select(f => f.Data)]);
        var outDir = Path.Combine(Path.GetTempPath(), $"vigil-nab-{Guid.NewGuid():N}", "auto");
        try
        {
            for (var i = 0; i < scores.Length; i++)
            {
                NabRunner.Write(outDir, corpus.Files[i].Key, corpus.Files[i].Data, scores[i]);
            }

            var scorer = new NabScorer(corpus);
            var reference = RunPythonScorer(outDir, null);
            foreach (var s in scorer.Score(scores))
            {
                AssertAgrees(reference[s.Profile], s.Normalized);
            }

            var referenceDefault = RunPythonScorer(outDir, NabRunner.DefaultThreshold);
            foreach (var s in scorer.Score(scores, NabRunner.DefaultThreshold))
            {
                AssertAgrees(referenceDefault[s.Profile], s.Normalized);
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(outDir)!, recursive: true);
        }
    }

    // The reference prints three decimals: agreement is to within its rounding, not to two rounded decimals (25.935
    // against 25.9347 rounds to 25.94 against 25.93).
    private static void AssertAgrees(double reference, double actual)
        => Assert.True(Math.Abs(reference - actual) <= 0.0005 + 1e-9, $"C# {actual} against reference {reference}");

    private static Dictionary<string, double> RunPythonScorer(string results, double? threshold)
    {
        var script = Path.Combine(NabData.Root, "..", "nabscore.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(results);
        if (threshold is { } t)
        {
            start.ArgumentList.Add("--threshold");
            start.ArgumentList.Add(t.ToString("R", CultureInfo.InvariantCulture));
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length > 2 && parts[0] is "standard" or "reward_low_FP_rate" or "reward_low_FN_rate")
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>200 rows, one window [100, 129]; probation is the first 30 rows.</summary>
    private static NabCorpus SmallCorpus()
    {
        var data = new TimeSeriesData("cat/file.csv", [.. Enumerable.Range(0, 200).Select(i => i * 300_000L)], new double[200]);
        return NabCorpus.FromFiles([new NabFile("cat/file.csv", data, [(100, 129)])]);
    }
}
