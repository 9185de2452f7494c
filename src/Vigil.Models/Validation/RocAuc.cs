namespace Vigil.Models.Validation;

/// <summary>Area under the ROC curve by the rank-sum (Mann–Whitney U) identity, ties counted half, as scikit-learn's <c>roc_auc_score</c>.</summary>
public static class RocAuc
{
    /// <param name="scores">Higher = more anomalous.</param>
    /// <param name="positives">True for labelled anomalies.</param>
    /// <returns>NaN when either class is empty.</returns>
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        if (scores.Length != positives.Length)
        {
            throw new ArgumentException("One label per score is required.", nameof(positives));
        }

        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double rankSum = 0;
        long p = 0;
        for (var i = 0; i < keys.Length;)
        {
            var j = i;
            while (j + 1 < keys.Length && keys[j + 1] == keys[i])
            {
                j++;
            }

            var averageRank = ((i + j) / 2.0) + 1; // ranks are 1-based; tied scores share their average rank
            for (var k = i; k <= j; k++)
            {
                if (positives[order[k]])
                {
                    rankSum += averageRank;
                    p++;
                }
            }

            i = j + 1;
        }

        var n = scores.Length - p;
        return p == 0 || n == 0 ? double.NaN : (rankSum - (p * (p + 1) / 2.0)) / (p * (double)n);
    }
}
