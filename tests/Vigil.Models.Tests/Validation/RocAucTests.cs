using Vigil.Models.Validation;

namespace Vigil.Models.Tests.Validation;

public sealed class RocAucTests
{
    [Fact]
    public void Compute_PerfectRanking_IsOne()
        => Assert.Equal(1.0, RocAuc.Compute([0.1, 0.2, 0.9, 0.8], [false, false, true, true]));

    [Fact]
    public void Compute_AllTied_IsHalf()
        => Assert.Equal(0.5, RocAuc.Compute([1.0, 1.0, 1.0, 1.0], [false, true, false, true]));

    [Fact]
    public void Compute_KnownExample_MatchesSklearn()
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        => Assert.Equal(0.75, RocAuc.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]));

    [Fact]
    public void Compute_OneClass_IsNaN()
        => Assert.True(double.IsNaN(RocAuc.Compute([0.1, 0.2], [false, false])));
}
