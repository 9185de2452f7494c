using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Logs.Offline;

namespace Vigil.Logs.Tests.Offline;

/// <summary>
/// The accuracy targets of issue #14 on the shared Loghub-2k data, with the default (one) configuration, scored here
/// by an independent C# implementation of GA and FGA (the reference scorer is ../shared/bench/loghub/logscore.py).
/// </summary>
public sealed class LoghubAccuracyTests
{
    [Fact]
    public void Mine_EightDataSetsWithDefaults_MeetsTargets()
    {
        var scores = LoghubFormats.DataSets.ToDictionary(d => d, Score);

        Assert.All(scores, s => Assert.True(s.Value.Ga >= 0.90, $"{s.Key} GA {s.Value.Ga:F4} < 0.90"));
        var meanGa = scores.Values.Average(s => s.Ga);
        var meanFga = scores.Values.Average(s => s.Fga);
        Assert.True(meanGa >= 0.96, $"mean GA {meanGa:F4} < 0.96");
        Assert.True(meanFga >= 0.90, $"mean FGA {meanFga:F4} < 0.90");
    }

    [Fact]
    public void Score_PerfectAndMergedPredictions_ComputesGaAndFga()
    {
        // Checks the scorer itself: truth {1,2},{3}; predicting everything together gets GA 0, FGA 0.
        Assert.Equal((1.0, 1.0), GroupScores(["a", "a", "b"], ["x", "x", "y"]));
        Assert.Equal((0.0, 0.0), GroupScores(["a", "a", "b"], ["x", "x", "x"]));
        Assert.Equal((1.0 / 3, 0.4), GroupScores(["a", "a", "b"], ["x", "y", "z"]));
    }

    private static (double Ga, double Fga) Score(string dataSet)
    {
        var directory = Path.Combine(LoghubData.Root, dataSet);
        var lines = File.ReadAllLines(Path.Combine(directory, dataSet + "_2k.log"));
        var header = new HeaderParser(new PatternHeaderFormat(LoghubFormats.All[dataSet]));
        var mined = MinedFile.Mine(dataSet, lines, header, new MinerOptions());
        Assert.Equal(0, mined.UnparsedHeaders);
        var predicted = new string[lines.Length];
        var writer = new StringWriter();
        mined.WritePredictions(writer);
        var rows = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            predicted[i] = rows[i].Split(',')[1];
        }

        var truth = File.ReadAllLines(Path.Combine(directory, dataSet + "_2k.log_structured.csv")).Skip(1).Select(TruthEventId).ToArray();
        return GroupScores(truth, predicted);
    }

    /// <summary>EventId is the second-to-last CSV field; templates may hold quoted commas, ids never do.</summary>
    private static string TruthEventId(string row)
    {
        var templateStart = row.EndsWith('"') ? row.LastIndexOf(",\"", StringComparison.Ordinal) : row.LastIndexOf(',');
        var idStart = row.LastIndexOf(',', templateStart - 1) + 1;
        return row[idStart..templateStart];
    }

    private static (double Ga, double Fga) GroupScores(string[] truth, string[] predicted)
    {
        static Dictionary<string, HashSet<int>> Groups(string[] ids)
        {
            var groups = new Dictionary<string, HashSet<int>>();
            for (var i = 0; i < ids.Length; i++)
            {
                if (!groups.TryGetValue(ids[i], out var set))
                {
                    groups[ids[i]] = set = [];
                }

                set.Add(i);
            }

            return groups;
        }

        var truthGroups = Groups(truth);
        var predictedGroups = Groups(predicted);
        var correctLines = 0;
        var correctGroups = 0;
        foreach (var group in predictedGroups.Values)
        {
            var first = group.First();
            if (truthGroups[truth[first]].SetEquals(group))
            {
                correctGroups++;
                correctLines += group.Count;
            }
        }

        var precision = (double)correctGroups / predictedGroups.Count;
        var recall = (double)correctGroups / truthGroups.Count;
        var fga = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return ((double)correctLines / truth.Length, fga);
    }
}
