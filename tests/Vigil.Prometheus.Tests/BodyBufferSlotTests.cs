namespace Vigil.Prometheus.Tests;

public sealed class BodyBufferSlotTests
{
    private const int Initial = PrometheusConstants.InitialBufferBytes;

    [Fact]
    public void Take_AfterReturnOfABodyOfSimilarSize_ReturnsTheSameArray()
    {
        var slot = new BodyBufferSlot();
        var first = slot.Take(Initial);
        slot.Return(first, Initial - 10);

        var second = slot.Take(Initial);

        Assert.Same(first, second);
    }

    [Fact]
    public void Take_WhileTheSpareIsOut_AllocatesAnotherArray()
    {
        var slot = new BodyBufferSlot();
        var first = slot.Take(Initial);

        var second = slot.Take(Initial);

        Assert.NotSame(first, second);
        Assert.Equal(0, slot.SpareLength);
    }

    [Fact]
    public void Take_SpareSmallerThanNeeded_AllocatesAtLeastTheMinimum()
    {
        var slot = new BodyBufferSlot();
        slot.Return(slot.Take(Initial), Initial);

        var larger = slot.Take(4 * Initial);

        Assert.True(larger.Length >= 4 * Initial);
    }

    [Fact]
    public void Return_ArrayMoreThanTwiceTheBody_IsDroppedAndTheNextIsSizedToTheBody()
    {
        // After the warm-up's large slices, a steady cycle's smaller body must not keep the large array alive.
        var slot = new BodyBufferSlot();
        var large = slot.Take(64 * Initial);
        slot.Return(large, 64 * Initial);
        Assert.Equal(large.Length, slot.SpareLength);

        var again = slot.Take(Initial);
        Assert.Same(large, again);
        slot.Return(again, 10 * Initial);

        Assert.Equal(0, slot.SpareLength);
        var next = slot.Take(Initial);
        Assert.InRange(next.Length, 10 * Initial, (10 * Initial) + (10 * Initial / 4) + 1);
    }

    [Fact]
    public void Return_SmallBody_KeepsAnArrayOfTheInitialSize()
    {
        var slot = new BodyBufferSlot();
        var buffer = slot.Take(Initial);

        slot.Return(buffer, 100);

        Assert.Equal(buffer.Length, slot.SpareLength);
    }

    [Fact]
    public void Take_NonPositiveLength_Throws()
    {
        var slot = new BodyBufferSlot();

        Assert.Throws<ArgumentOutOfRangeException>(() => slot.Take(0));
    }
}
