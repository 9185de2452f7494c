using Vigil.Core.Detection;

namespace Vigil.Backtesting.Nab;

/// <summary>One held-out category: the parameters chosen on the other categories and what they scored on this one.</summary>
public sealed record NabFold(string HeldOut, IReadOnlyDictionary<string, string> Chosen, double TrainScore, NabScore HeldOutScore);

/// <summary>Leave-one-category-out result: every fold, their mean, and the grid point that is best on all categories.</summary>
public sealed record NabCrossValidationResult(IReadOnlyList<NabFold> Folds, double MeanHeldOut, IReadOnlyDictionary<string, string> BestOnAll, double BestOnAllScore, int GridPoints);

/// <summary>
/// Leave-one-category-out cross-validation on a NAB corpus: for each category, the grid point with the best standard
/// score at score &gt; 1 on the other categories is chosen and scored on the held-out one. Parameters are global per
/// fold (never per file). The figure says how a setting chosen on some kinds of data does on a kind it never saw.
/// </summary>
public static class NabCrossValidation
{
    /// <summary>
    /// The small grid of the parameters that matter, per detector type (docs/benchmarks.md lists it): for <c>auto</c> the
    /// point band k, the shift threshold h and the novelty tolerance; for the others their band k and h.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> DefaultGrid(string type)
    {
        string[] shift = ["6", "10", "16"];
        var grid = new List<IReadOnlyDictionary<string, string>>();
        if (string.Equals(type, "auto", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var k in new[] { "4", "5", "6", "8" })
            {
                foreach (var h in shift)
                {
                    foreach (var novelty in new[] { "0.05", "0.1", "0.2" })
                    {
                        grid.Add(new Dictionary<string, string> { ["k"] = k, [ContractOptions.ShiftThresholdKey] = h, ["novelty_tolerance"] = novelty });
                    }
                }
            }

            return grid;
        }

        foreach (var k in new[] { "3", "5", "7", "9" })
        {
            foreach (var h in shift)
            {
                grid.Add(new Dictionary<string, string> { ["k"] = k, [ContractOptions.ShiftThresholdKey] = h });
            }
        }

        return grid;
    }

    /// <summary>Runs every grid point over the corpus (onset scoring) and cross-validates over its categories; <paramref name="create"/> builds the detector of one grid point.</summary>
    public static NabCrossValidationResult Run(NabCorpus corpus, IReadOnlyList<IReadOnlyDictionary<string, string>> grid, Func<IReadOnlyDictionary<string, string>, IDetector> create, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(create);
        if (grid.Count == 0)
        {
            throw new ArgumentException("The grid is empty.", nameof(grid));
        }

        var categories = corpus.Files.Select(f => f.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var data = corpus.Files.Select(f => f.Data).ToArray();
        var scores = new double[grid.Count][][];
        for (var g = 0; g < grid.Count; g++)
        {
            scores[g] = NabRunner.Run(create(grid[g]), data, NabScoring.Onset);
            progress?.Report(g + 1);
        }

        var threshold = NabRunner.DefaultThreshold;
        double Standard(NabScorer scorer, double[][] all, int[] indices)
            => scorer.Score([.. indices.Select(i => all[i])], threshold).First(s => s.Profile == "standard").Normalized;

        var folds = new List<NabFold>();
        foreach (var heldOut in categories)
        {
            var train = Indices(corpus, c => c != heldOut);
            var test = Indices(corpus, c => c == heldOut);
            var trainScorer = new NabScorer(NabCorpus.FromFiles([.. train.Select(i => corpus.Files[i])], corpus.Profiles));
            var testScorer = new NabScorer(NabCorpus.FromFiles([.. test.Select(i => corpus.Files[i])], corpus.Profiles));
            var (best, bestScore) = (0, double.NegativeInfinity);
            for (var g = 0; g < grid.Count; g++)
            {
                var s = Standard(trainScorer, scores[g], train);
                if (s > bestScore)
                {
                    (best, bestScore) = (g, s);
                }
            }

            var held = testScorer.Score([.. test.Select(i => scores[best][i])], threshold).First(s => s.Profile == "standard");
            folds.Add(new NabFold(heldOut, grid[best], bestScore, held));
        }

        var allScorer = new NabScorer(corpus);
        var every = Enumerable.Range(0, corpus.Files.Count).ToArray();
        var (bestAll, bestAllScore) = (0, double.NegativeInfinity);
        for (var g = 0; g < grid.Count; g++)
        {
            var s = Standard(allScorer, scores[g], every);
            if (s > bestAllScore)
            {
                (bestAll, bestAllScore) = (g, s);
            }
        }

        // A category without labelled windows (artificialNoAnomaly) has no normalised score (a perfect detector and the
        // null one score alike there); its fold is reported with its false positives and left out of the mean.
        var scored = folds.Where(f => double.IsFinite(f.HeldOutScore.Normalized)).ToArray();
        var mean = scored.Length > 0 ? scored.Average(f => f.HeldOutScore.Normalized) : double.NaN;
        return new NabCrossValidationResult(folds, mean, grid[bestAll], bestAllScore, grid.Count);
    }

    private static int[] Indices(NabCorpus corpus, Func<string, bool> category)
        => [.. Enumerable.Range(0, corpus.Files.Count).Where(i => category(corpus.Files[i].Category))];
}
