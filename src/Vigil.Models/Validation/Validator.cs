using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Training;

namespace Vigil.Models.Validation;

/// <summary>Scores held-out rows with the candidate and the active model and reports both side by side.</summary>
public static class Validator
{
    public static ValidationComparison Compare(AnomalyModel candidate, AnomalyModel? active, JoinedFeatures rows, IReadOnlyList<IncidentWindow> incidents)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new ValidationComparison(
            Evaluate(candidate, rows, incidents),
            active is null ? null : Evaluate(active, rows, incidents));
    }

    public static ValidationReport Evaluate(AnomalyModel model, JoinedFeatures rows, IReadOnlyList<IncidentWindow> incidents)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(incidents);
        if (rows.Rows.Rows == 0)
        {
            return new ValidationReport { Rows = 0, AnomalyRate = 0 };
        }

        var scores = model.ScoreBatch(rows.Rows);
        var labels = new bool[scores.Length];
        var flagged = 0L;
        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var isFlagged = scores[i] > 1.0;
            flagged += isFlagged ? 1 : 0;
            if (incidents.Count > 0)
            {
                var entity = rows.Entities[rows.EntityIndex[i]];
                var labelled = labels[i] = incidents.Any(w => w.Contains(entity, rows.TimestampsMs[i]));
                tp += isFlagged && labelled ? 1 : 0;
                fp += isFlagged && !labelled ? 1 : 0;
                fn += !isFlagged && labelled ? 1 : 0;
            }
        }

        var counts = new ConfusionCounts(tp, fp, fn);
        var auc = incidents.Count > 0 ? RocAuc.Compute(scores, labels) : double.NaN;
        Array.Sort(scores);
        return new ValidationReport
        {
            Rows = scores.Length,
            AnomalyRate = flagged / (double)scores.Length,
            ScoreP50 = Percentile.OfSorted(scores, 50),
            ScoreP90 = Percentile.OfSorted(scores, 90),
            ScoreP99 = Percentile.OfSorted(scores, 99),
            ScoreMax = scores[^1],
            LabelledAnomalies = incidents.Count > 0 ? counts.LabelledPositives : null,
            Precision = incidents.Count > 0 ? counts.Precision : null,
            Recall = incidents.Count > 0 ? counts.Recall : null,
            F1 = incidents.Count > 0 ? counts.F1 : null,
            RocAuc = double.IsNaN(auc) ? null : auc,
        };
    }
}
