using Vigil.Core.Series;

namespace Vigil.EventStore.Tests;

public sealed class FeedbackTargetTests
{
    private static readonly Labels Series = Labels.From(new Label("instance", "a"), new Label("service", "checkout"));

    [Fact]
    public void Matches_ExactTarget_OnlyTheSameLabelSet()
    {
        var target = FeedbackTarget.Series("web", Series);

        Assert.True(target.Matches(Labels.From(new Label("service", "checkout"), new Label("instance", "a"))));
        Assert.False(target.Matches(Series.With("zone", "z1")));
        Assert.False(target.Matches(Labels.From(new Label("instance", "a"))));
    }

    [Fact]
    public void Matches_Selector_EveryMatcherEqualsAndEmptyMeansAbsent()
    {
        var checkout = FeedbackTarget.Selector("web", Labels.From(new Label("service", "checkout")));
        var withoutZone = FeedbackTarget.Selector("web", Labels.From(new Label("service", "checkout"), new Label("zone", "")));

        Assert.True(checkout.Matches(Series));
        Assert.True(checkout.Matches(Series.With("zone", "z1")));
        Assert.False(checkout.Matches(Series.With("service", "search")));
        Assert.True(withoutZone.Matches(Series));
        Assert.False(withoutZone.Matches(Series.With("zone", "z1")));
    }
}
