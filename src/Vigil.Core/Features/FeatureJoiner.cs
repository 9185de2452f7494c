using Vigil.Core.Series;

namespace Vigil.Core.Features;

/// <summary>
/// Joins the results of several queries (one <see cref="SeriesBatch"/> per feature, in feature order) into one
/// feature vector per entity per timestamp. Entities are identified by <see cref="JoinLabels"/>; timestamps must
/// match exactly, which range queries with the same start and step guarantee. A row is built only when every
/// feature has a finite sample; anything else is skipped and counted by reason. Filling gaps with 0 would
/// teach the forest that "no data" is normal, or flag every scrape gap as an anomaly.
/// </summary>
public sealed class FeatureJoiner
{
    private readonly HashSet<string> _labelSet;

    public FeatureJoiner(IReadOnlyList<string> joinLabels)
    {
        ArgumentNullException.ThrowIfNull(joinLabels);
        JoinLabels = [.. joinLabels];
        _labelSet = new HashSet<string>(joinLabels, StringComparer.Ordinal);
    }

    public IReadOnlyList<string> JoinLabels { get; }

    public JoinedFeatures Join(IReadOnlyList<SeriesBatch> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count == 0)
        {
            throw new ArgumentException("At least one feature is required.", nameof(features));
        }

        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        var entities = new Dictionary<Labels, int[]>(); // entity -> series index per feature (-1 none, -2 ambiguous)
        for (var f = 0; f < features.Count; f++)
        {
            var batch = features[f];
            for (var s = 0; s < batch.SeriesCount; s++)
            {
                var labels = batch.GetLabels(s);
                var key = labels.Keep(_labelSet);
                if (key.Count != _labelSet.Count)
                {
                    Count(skipped, SkipReasons.MissingJoinLabel, batch.GetTimestamps(s).Length);
                    continue;
                }

                if (!entities.TryGetValue(key, out var slots))
                {
                    slots = new int[features.Count];
                    Array.Fill(slots, -1);
                    entities[key] = slots;
                }

                if (slots[f] == -1)
                {
                    slots[f] = s;
                }
                else
                {
                    // Two series for one entity: neither is "the" feature. Count both and drop the component.
                    Count(skipped, SkipReasons.DuplicateSeries, batch.GetTimestamps(s).Length + (slots[f] >= 0 ? batch.GetTimestamps(slots[f]).Length : 0));
                    slots[f] = -2;
                }
            }
        }

        var rows = new List<(long Timestamp, int Entity, double[] Values)>();
        var entityList = entities.Keys.OrderBy(k => k.ToString(), StringComparer.Ordinal).ToList();
        for (var e = 0; e < entityList.Count; e++)
        {
            MergeEntity(features, entities[entityList[e]], e, rows, skipped);
        }

        rows.Sort((a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Entity.CompareTo(b.Entity));
        var matrix = new FeatureMatrix(rows.Count, features.Count);
        var timestamps = new long[rows.Count];
        var entityIndex = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Values.CopyTo(matrix.MutableRow(i));
            timestamps[i] = rows[i].Timestamp;
            entityIndex[i] = rows[i].Entity;
        }

        return new JoinedFeatures(entityList, entityIndex, timestamps, matrix, skipped);
    }

    /// <summary>K-way merge of one entity's sorted timestamp arrays, one per feature.</summary>
    private static void MergeEntity(IReadOnlyList<SeriesBatch> features, int[] slots, int entity, List<(long, int, double[])> rows, Dictionary<string, long> skipped)
    {
        var n = features.Count;
        var positions = new int[n];
        while (true)
        {
            var next = long.MaxValue;
            for (var f = 0; f < n; f++)
            {
                if (slots[f] >= 0 && positions[f] < features[f].GetTimestamps(slots[f]).Length)
                {
                    next = Math.Min(next, features[f].GetTimestamps(slots[f])[positions[f]]);
                }
            }

            if (next == long.MaxValue)
            {
                return;
            }

            var values = new double[n];
            var complete = true;
            var finite = true;
            for (var f = 0; f < n; f++)
            {
                if (slots[f] < 0)
                {
                    complete = false;
                    continue;
                }

                var ts = features[f].GetTimestamps(slots[f]);
                if (positions[f] < ts.Length && ts[positions[f]] == next)
                {
                    values[f] = features[f].GetValues(slots[f])[positions[f]];
                    finite &= double.IsFinite(values[f]);
                    positions[f]++;
                }
                else
                {
                    complete = false;
                }
            }

            if (!complete)
            {
                Count(skipped, SkipReasons.MissingComponent, 1);
            }
            else if (!finite)
            {
                Count(skipped, SkipReasons.NonFinite, 1);
            }
            else
            {
                rows.Add((next, entity, values));
            }
        }
    }

    private static void Count(Dictionary<string, long> skipped, string reason, long count)
    {
        if (count > 0)
        {
            skipped[reason] = skipped.GetValueOrDefault(reason) + count;
        }
    }
}
