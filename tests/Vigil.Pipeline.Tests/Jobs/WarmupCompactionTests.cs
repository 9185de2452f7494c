using Vigil.Pipeline.Jobs;

namespace Vigil.Pipeline.Tests.Jobs;

public sealed class WarmupCompactionTests
{
    [Fact]
    public void Warmed_ReachesTheThreshold_CollectsAndStartsCountingAgain()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };

        sut.Warmed(60);
        Assert.Equal(0, collected);
        sut.Warmed(40);
        Assert.Equal(1, collected);
        sut.Warmed(99);
        Assert.Equal(1, collected);
        sut.Warmed(1);

        Assert.Equal(2, collected);
        Assert.Equal(2, sut.Collections);
    }

    [Fact]
    public void Finished_AfterALargeWarmup_CollectsOnceMoreForTheRest()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(150);
        sut.Warmed(30);

        sut.Finished();

        Assert.Equal(2, collected);
    }

    [Fact]
    public void Finished_RightAfterASliceCollection_CollectsAgainForTheNewestPart()
    {
        // The newest part of the first range and the first publication come after the last slice: their garbage is
        // collected too (≈ 150 MB at 100k series was left until the next collection when this was skipped).
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(100);

        sut.Finished();

        Assert.Equal(2, collected);
    }

    [Fact]
    public void Scored_AfterALargeWarmup_CollectsBeforeThePublicationAndFinishedStillAfterIt()
    {
        // The newest part's garbage and the first publication's new long-lived objects stacked into the process' peak
        // at 100k series (scale9): a collection between them, and the one after the publication as before.
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(100);

        sut.Scored();
        Assert.Equal(2, collected);
        sut.Finished();

        Assert.Equal(3, collected);
    }

    [Fact]
    public void Scored_SmallWarmup_NeverCollects()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(99);

        sut.Scored();
        sut.Finished();

        Assert.Equal(0, collected);
    }

    [Fact]
    public void Finished_SmallWarmup_NeverCollects()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(99);

        sut.Finished();

        Assert.Equal(0, collected);
    }

    [Fact]
    public void Settled_FirstCycleAfterALargeWarmup_CollectsOnceMore()
    {
        // The next cycle lets go of the warm-up's oversized buffers (body, spare batch, verdicts): collected once then.
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(100);
        sut.Finished();
        Assert.Equal(2, collected);

        sut.Settled();
        sut.Settled();

        Assert.Equal(3, collected);
    }

    [Fact]
    public void Settled_CatchUpAlreadyCollectedInThatCycle_DoesNotCollectAgain()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(150);
        sut.Warmed(30);
        sut.Finished(); // 2: at 150 and for the last 30
        sut.CaughtUp();

        sut.Settled();

        Assert.Equal(3, collected);
    }

    [Fact]
    public void Settled_AfterASmallWarmup_NeverCollects()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(50);
        sut.Finished();

        sut.Settled();

        Assert.Equal(0, collected);
    }
}
