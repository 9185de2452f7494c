using Vigil.Models.Validation;

namespace Vigil.Models.Tests.Validation;

public sealed class PromotionPolicyTests
{
    [Fact]
    public void Decide_NoActiveRateWithinBounds_Promotes()
    {
        var decision = CreateSut().Decide(new ValidationComparison(Report(0.02), null));

        Assert.True(decision.Promote, decision.ToString());
        Assert.Contains(decision.Reasons, r => r.Contains("no active model", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_RateAboveMax_Keeps()
    {
        var decision = CreateSut().Decide(new ValidationComparison(Report(0.2), Report(0.01)));

        Assert.False(decision.Promote);
        Assert.Contains(decision.Reasons, r => r.Contains("outside", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_F1Lower_Keeps()
    {
        var decision = CreateSut().Decide(new ValidationComparison(Report(0.02, f1: 0.6), Report(0.02, f1: 0.7)));

        Assert.False(decision.Promote);
        Assert.Contains(decision.Reasons, r => r.Contains("below active", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_F1Equal_Promotes()
        => Assert.True(CreateSut().Decide(new ValidationComparison(Report(0.02, f1: 0.7), Report(0.02, f1: 0.7))).Promote);

    [Fact]
    public void Decide_F1LowerWithinTolerance_Promotes()
    {
        var policy = new PromotionPolicy(new PromotionPolicyOptions { F1Tolerance = 0.05 });

        Assert.True(policy.Decide(new ValidationComparison(Report(0.02, f1: 0.68), Report(0.02, f1: 0.7))).Promote);
    }

    [Fact]
    public void Decide_TooFewRows_Keeps()
        => Assert.False(CreateSut().Decide(new ValidationComparison(Report(0.02, rows: 10), null)).Promote);

    [Fact]
    public void Constructor_InvalidBounds_ListsErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PromotionPolicy(new PromotionPolicyOptions { MinAnomalyRate = 0.5, MaxAnomalyRate = 0.1, F1Tolerance = 2 }));

        Assert.Contains("min_anomaly_rate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("f1_tolerance", ex.Message, StringComparison.Ordinal);
    }

    private static PromotionPolicy CreateSut() => new(new PromotionPolicyOptions());

    private static ValidationReport Report(double rate, double? f1 = null, long rows = 1000)
        => new() { Rows = rows, AnomalyRate = rate, F1 = f1, Precision = f1, Recall = f1, LabelledAnomalies = f1 is null ? null : 10 };
}
