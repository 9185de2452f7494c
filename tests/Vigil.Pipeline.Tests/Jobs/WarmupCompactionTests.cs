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
    public void Finished_RightAfterACollection_DoesNotCollectAgain()
    {
        var collected = 0;
        var sut = new WarmupCompaction { EverySamples = 100, Collect = () => collected++ };
        sut.Warmed(100);

        sut.Finished();

        Assert.Equal(1, collected);
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
}
