using Vigil.Models.Training;

namespace Vigil.Models.Tests.Training;

public sealed class RangeChunkerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Split_FourteenDaysAtFifteenSeconds_ChunksOfAtMost11000Points()
    {
        var step = TimeSpan.FromSeconds(15);
        var end = Start.AddDays(14);

        var chunks = RangeChunker.Split(Start, end, step, 11_000);

        var points = chunks.Select(c => (int)((c.End - c.Start) / step) + 1).ToList();
        Assert.All(points, p => Assert.InRange(p, 1, 11_000));
        Assert.Equal((int)((end - Start) / step) + 1, points.Sum());
        Assert.Equal(Start, chunks[0].Start);
        Assert.Equal(end, chunks[^1].End);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].End + step, chunks[i].Start); // next grid point, no gap, no overlap
        }
    }

    [Fact]
    public void Split_ShortWindow_OneChunk()
        => Assert.Single(RangeChunker.Split(Start, Start.AddHours(1), TimeSpan.FromMinutes(1), 11_000));

    [Fact]
    public void Split_EndBeforeStart_Throws()
        => Assert.Throws<ArgumentException>(() => RangeChunker.Split(Start, Start.AddHours(-1), TimeSpan.FromMinutes(1), 11_000));
}
