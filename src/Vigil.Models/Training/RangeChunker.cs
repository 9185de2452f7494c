namespace Vigil.Models.Training;

/// <summary>
/// Splits a range query into consecutive chunks of at most N points per series, all on one grid
/// (start + k·step), so the chunks' samples concatenate without gaps or duplicates.
/// </summary>
public static class RangeChunker
{
    public static IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Split(DateTimeOffset start, DateTimeOffset end, TimeSpan step, int maxPoints)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Step must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        if (end < start)
        {
            throw new ArgumentException($"End {end:O} is before start {start:O}.", nameof(end));
        }

        var chunks = new List<(DateTimeOffset, DateTimeOffset)>();
        var chunkStart = start;
        while (chunkStart <= end)
        {
            // A chunk [s, s + (N − 1)·step] holds exactly N evaluation points.
            var chunkEnd = chunkStart + (step * (maxPoints - 1));
            if (chunkEnd > end)
            {
                chunkEnd = end;
            }

            chunks.Add((chunkStart, chunkEnd));
            chunkStart += step * maxPoints;
        }

        return chunks;
    }
}
