using Vigil.Core.Series;
using Vigil.Core.Sources;

namespace Vigil.Models.Training;

/// <summary>Fetches a long window of one query chunk by chunk and stitches the chunks back into one batch per query.</summary>
internal static class HistoryFetcher
{
    public static async Task<SeriesBatch> FetchAsync(
        IMetricSource source,
        string query,
        IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> chunks,
        TimeSpan step,
        Action onChunk,
        CancellationToken cancellationToken)
    {
        // Series keep their first-seen order; samples arrive chunk after chunk, so each series stays ascending.
        var series = new Dictionary<Labels, (List<long> Timestamps, List<double> Values)>();
        var order = new List<Labels>();
        var total = 0;
        foreach (var (start, end) in chunks)
        {
            var batch = await source.QueryRangeAsync(query, start, end, step, cancellationToken).ConfigureAwait(false);
            for (var s = 0; s < batch.SeriesCount; s++)
            {
                var labels = batch.GetLabels(s);
                if (!series.TryGetValue(labels, out var samples))
                {
                    samples = ([], []);
                    series[labels] = samples;
                    order.Add(labels);
                }

                var timestamps = batch.GetTimestamps(s);
                var values = batch.GetValues(s);
                for (var i = 0; i < timestamps.Length; i++)
                {
                    // Chunks do not overlap, but a source that returns a boundary sample twice must not duplicate it.
                    if (samples.Timestamps.Count == 0 || timestamps[i] > samples.Timestamps[^1])
                    {
                        samples.Timestamps.Add(timestamps[i]);
                        samples.Values.Add(values[i]);
                        total++;
                    }
                }
            }

            onChunk();
        }

        var builder = new SeriesBatch.Builder(total);
        foreach (var labels in order)
        {
            var (timestamps, values) = series[labels];
            builder.BeginSeries(labels);
            for (var i = 0; i < timestamps.Count; i++)
            {
                builder.Add(timestamps[i], values[i]);
            }
        }

        return builder.Build();
    }
}
