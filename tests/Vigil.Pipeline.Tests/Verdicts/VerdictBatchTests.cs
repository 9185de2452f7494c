using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Verdicts;

/// <summary>
/// The batch a job reuses every cycle gives back the room a large first cycle needed (issue 15: a 75 MB array kept
/// for good at 100k series), and keeps what steady cycles need, so they allocate nothing.
/// </summary>
public sealed class VerdictBatchTests
{
    private static readonly ScoredSeries Series = new("cpu", Labels.From(new Label("instance", "a")), "auto");

    private static void Fill(VerdictBatch batch, int points)
    {
        for (var i = 0; i < points; i++)
        {
            batch.Add(new ScoredPoint(Series, i * 60_000L, i, new Verdict(0.5, i, i - 1, i + 1, VerdictKind.Scored)));
        }
    }

    [Fact]
    public void Clear_AfterALargeCycleThenSmallOnes_ShrinksOnceAndKeepsThePoints()
    {
        var batch = new VerdictBatch("cpu");
        Fill(batch, 100_000);
        batch.Clear();
        Assert.True(batch.Capacity >= 100_000, $"capacity {batch.Capacity} after the large cycle itself");

        Fill(batch, 5_000);
        batch.Clear();
        Assert.Equal(10_000, batch.Capacity);

        // Steady cycles of the same size keep the array.
        for (var cycle = 0; cycle < 3; cycle++)
        {
            Fill(batch, 5_000);
            Assert.Equal(5_000, batch.Count);
            Assert.Equal(4_999, batch.Points[^1].Value);
            batch.Clear();
            Assert.Equal(10_000, batch.Capacity);
        }

        Assert.True(batch.IsEmpty);
    }

    [Fact]
    public void EnsureCapacity_MorePointsThanTheArray_OneArrayOfExactlyThatSizeKeepingThePoints()
    {
        var batch = new VerdictBatch("cpu", capacity: 64);
        Fill(batch, 10);

        batch.EnsureCapacity(500_000);
        batch.EnsureCapacity(1_000); // smaller: kept as it is

        Assert.Equal(500_000, batch.Capacity);
        Assert.Equal(10, batch.Count);
        Assert.Equal(9, batch.Points[^1].Value);
        Fill(batch, 499_990);
        Assert.Equal(500_000, batch.Capacity); // filled to the reserved size without growing
    }

    [Fact]
    public void Clear_SmallBatch_KeepsItsCapacity()
    {
        var batch = new VerdictBatch("cpu", capacity: 1024);
        Fill(batch, 3);
        batch.Clear();
        Assert.Equal(1024, batch.Capacity);
    }

    [Fact]
    public void Clear_AgainOnTheEmptyBatch_KeepsTheCapacityOfTheLastCycle()
    {
        // A job clears at the end of a cycle and at the start of the next: the second clear must not judge the array
        // against 0 points (it shrank to 1,024 and grew back every cycle, 21 MB of garbage a cycle at 100k series).
        var batch = new VerdictBatch("cpu");
        Fill(batch, 100_000);
        batch.Clear();
        var capacity = batch.Capacity;

        for (var cycle = 0; cycle < 3; cycle++)
        {
            batch.Clear(); // start of the cycle
            Fill(batch, 100_000);
            batch.Clear(); // end of the cycle
            Assert.Equal(capacity, batch.Capacity);
        }

        batch.AddRemoved(Series);
        batch.Clear();
        Assert.Empty(batch.Removed);
    }
}
