namespace Vigil.Models.Validation;

/// <summary>Row-level counts of flags against labels; the one place precision/recall/F1 are computed.</summary>
internal readonly record struct ConfusionCounts(long TruePositives, long FalsePositives, long FalseNegatives)
{
    public long LabelledPositives => TruePositives + FalseNegatives;

    // scikit-learn's zero_division=0 convention: no flags means precision 0, no labelled rows means recall 0.
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : TruePositives / (double)(TruePositives + FalsePositives);

    public double Recall => LabelledPositives == 0 ? 0 : TruePositives / (double)LabelledPositives;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
