using Vigil.Core.Series;

namespace Vigil.Core.Features;

/// <summary>
/// Feature rows built by <see cref="FeatureJoiner"/>, ordered by timestamp then entity: row i belongs to entity
/// <c>Entities[EntityIndex[i]]</c> at <c>Timestamps[i]</c>.
/// </summary>
public sealed class JoinedFeatures
{
    public JoinedFeatures(IReadOnlyList<Labels> entities, int[] entityIndex, long[] timestampsMs, FeatureMatrix rows, IReadOnlyDictionary<string, long> skipped)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(entityIndex);
        ArgumentNullException.ThrowIfNull(timestampsMs);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(skipped);
        if (entityIndex.Length != rows.Rows || timestampsMs.Length != rows.Rows)
        {
            throw new ArgumentException("One entity index and timestamp per row are required.");
        }

        Entities = entities;
        EntityIndex = entityIndex;
        TimestampsMs = timestampsMs;
        Rows = rows;
        Skipped = skipped;
    }

    /// <summary>Entity identities: the join labels of the series (e.g. <c>{instance="a"}</c>).</summary>
    public IReadOnlyList<Labels> Entities { get; }

    public IReadOnlyList<int> EntityIndex { get; }

    public IReadOnlyList<long> TimestampsMs { get; }

    public FeatureMatrix Rows { get; }

    /// <summary>Rows not built, by <see cref="SkipReasons"/> value.</summary>
    public IReadOnlyDictionary<string, long> Skipped { get; }

    public long SkippedTotal => Skipped.Values.Sum();

    /// <summary>
    /// Splits at <paramref name="timestampMs"/>: rows before it, and rows at or after it (rows are time-ordered, so
    /// this is the held-out tail split). Skip counts stay with the first part.
    /// </summary>
    public (JoinedFeatures Before, JoinedFeatures From) SplitAt(long timestampMs)
    {
        var cut = 0;
        while (cut < TimestampsMs.Count && TimestampsMs[cut] < timestampMs)
        {
            cut++;
        }

        return (Slice(0, cut, Skipped), Slice(cut, Rows.Rows - cut, new Dictionary<string, long>()));
    }

    private JoinedFeatures Slice(int start, int count, IReadOnlyDictionary<string, long> skipped)
        => new(
            Entities,
            EntityIndex.Skip(start).Take(count).ToArray(),
            TimestampsMs.Skip(start).Take(count).ToArray(),
            Rows.Slice(start, count),
            skipped);
}
