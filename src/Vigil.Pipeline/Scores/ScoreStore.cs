using System.Buffers;
using System.Collections.Concurrent;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Scores;

/// <summary>
/// The per-series results every job publishes, rendered on /metrics. Each series is exported with
/// <c>job</c> = the Vigil job plus its original labels; the series' own <c>job</c> becomes <c>exported_job</c>
/// and <c>__name__</c> becomes <c>metric_name</c> (names starting with __ are reserved in exposition).
/// A verdict sink: it keeps the latest scored verdict of every published series, and forgets removed series.
/// </summary>
public sealed class ScoreStore : ISteppedMetricCollector, IVerdictSink
{
    public const string ScoreMetric = "vigil_anomaly_score";
    public const string ExpectedMetric = "vigil_expected_value";
    public const string LowerMetric = "vigil_expected_lower";
    public const string UpperMetric = "vigil_expected_upper";

    // About 60 KB of output per step at typical label sizes (~120 bytes a sample): with the 64 KB flush threshold a
    // scrape holds ~125 KB at most, instead of the whole response (47 MB for 100k series).
    internal const int SamplesPerStep = 512;

    private static readonly (string Name, string Help)[] Families =
    [
        (ScoreMetric, "Anomaly score per series: 0 at the expected value, 1 at the band edge, above 1 anomalous."),
        (ExpectedMetric, "Value the detector expected for the series' latest point."),
        (LowerMetric, "Lower edge of the expected band for the series' latest point."),
        (UpperMetric, "Upper edge of the expected band for the series' latest point."),
    ];

    private readonly ConcurrentDictionary<(string Job, Labels Labels), ScoreEntry> _entries = new();

    // The entry of each published series by reference, so a cycle's points find theirs without hashing labels.
    private readonly ConcurrentDictionary<ScoredSeries, ScoreEntry> _bySeries = new();

    // Rendering walks an array snapshot, rebuilt only after series come or go: enumerating a
    // ConcurrentDictionary of 100k entries four times per scrape costs more than writing the lines.
    private Snapshot? _snapshot;
    private long _version;

    // The render's scratch arrays, kept between scrapes (see TakeScratch); null while a scrape holds them.
    private RenderScratch? _spareScratch;
    private int _scratchesBuilt;

    public int Count => _entries.Count;

    public ScoreEntry GetOrAdd(string job, Labels seriesLabels)
    {
        if (_entries.TryGetValue((job, seriesLabels), out var existing))
        {
            return existing;
        }

        var entry = _entries.GetOrAdd((job, seriesLabels), static key => new ScoreEntry(key.Job, key.Labels, ExpositionWriter.FormatLabelBlock(ExportLabels(key.Job, key.Labels).AsSpan())));
        Interlocked.Increment(ref _version);
        return entry;
    }

    public void Remove(ScoreEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_entries.TryRemove((entry.Job, entry.SeriesLabels), out _))
        {
            Interlocked.Increment(ref _version);
        }
    }

    public IEnumerable<ScoreEntry> Entries => _entries.Values;

    /// <summary>Keeps the last scored verdict of each series in the batch (warm-up and invalid points are not exported).</summary>
    public void Publish(VerdictBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var points = batch.Points;
        for (var i = 0; i < points.Length; i++)
        {
            ref readonly var point = ref points[i];
            // Points of a series are contiguous and time-ordered: only the last scored one of each run is written.
            if (point.Verdict.Kind != VerdictKind.Scored || (i + 1 < points.Length && ReferenceEquals(points[i + 1].Series, point.Series) && points[i + 1].Verdict.Kind == VerdictKind.Scored))
            {
                continue;
            }

            EntryOf(point.Series).Update(point.Verdict, point.TimestampMs);
        }

        foreach (var series in batch.Removed)
        {
            if (series.ScoreSlot is ScoreEntry owned && ReferenceEquals(owned.Owner, this))
            {
                series.ScoreSlot = null;
                Remove(owned);
            }
            else if (_bySeries.TryRemove(series, out var entry))
            {
                Remove(entry);
            }
        }
    }

    /// <summary>The series' entry: from its slot (one load) when this store owns it, else by reference in a dictionary.</summary>
    private ScoreEntry EntryOf(ScoredSeries series)
    {
        if (series.ScoreSlot is ScoreEntry owned && ReferenceEquals(owned.Owner, this))
        {
            return owned;
        }

        if (_bySeries.TryGetValue(series, out var entry))
        {
            return entry;
        }

        entry = GetOrAdd(series.Source, series.Labels);
        if (series.ScoreSlot is null && entry.Owner is null)
        {
            entry.Owner = this;
            series.ScoreSlot = entry;
        }
        else
        {
            _bySeries[series] = entry;
        }

        return entry;
    }

    public static Labels ExportLabels(string job, Labels seriesLabels)
    {
        ArgumentNullException.ThrowIfNull(seriesLabels);
        var labels = new List<Label>(seriesLabels.Count + 1) { new("job", job) };
        foreach (var label in seriesLabels)
        {
            var name = label.Name switch
            {
                "job" => "exported_job",
                "__name__" => "metric_name",
                _ when label.Name.StartsWith("__", StringComparison.Ordinal) => label.Name.TrimStart('_'),
                _ => ExpositionWriter.IsValidLabelName(label.Name) ? label.Name : ExpositionWriter.SanitizeLabelName(label.Name),
            };
            if (name.Length > 0 && name != "job")
            {
                labels.Add(new Label(name, label.Value));
            }
        }

        // One copy of the list's items (Labels.From owns a copy of the span), not two.
        return Labels.From(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(labels));
    }

    public void Collect(ExpositionWriter writer)
    {
        foreach (var _ in CollectSteps(writer))
        {
        }
    }

    /// <summary>The four families, yielding every <see cref="SamplesPerStep"/> samples so the scrape can flush in between.</summary>
    public IEnumerable<int> CollectSteps(ExpositionWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return Steps(writer);
    }

    private IEnumerable<int> Steps(ExpositionWriter writer)
    {
        var entries = CurrentSnapshot();

        // Read each verdict once so the four families of a series agree with each other within one scrape.
        var scratch = TakeScratch(entries.Length);
        var verdicts = scratch.Verdicts;
        var scored = scratch.Scored;
        try
        {
            for (var i = 0; i < entries.Length; i++)
            {
                scored[i] = entries[i].TryRead(out verdicts[i]) ? entries[i] : null;
            }

            var written = 0;
            for (var family = 0; family < Families.Length; family++)
            {
                var (name, help) = Families[family];
                writer.WriteHeader(name, help, MetricType.Gauge);
                for (var i = 0; i < entries.Length; i++)
                {
                    if (scored[i] is { } entry)
                    {
                        writer.WriteSample(name, entry.LabelBlock, Pick(verdicts[i], family));
                        if (++written == SamplesPerStep)
                        {
                            yield return written;
                            written = 0;
                        }
                    }
                }
            }

            if (written > 0)
            {
                yield return written;
            }
        }
        finally
        {
            Array.Clear(scored); // removed series must not stay reachable from the kept scratch
            Volatile.Write(ref _spareScratch, scratch);
        }
    }

    /// <summary>
    /// The render's scratch arrays (a verdict and an entry per series: ≈ 6 MB at 100k series), one set kept by the store
    /// and reused by every scrape. They came from <see cref="ArrayPool{T}.Shared"/> until scale10: a scrape runs on
    /// whichever thread-pool thread the request lands on, and the shared pool keeps a returned array in that thread's
    /// slot and per-core stacks, so successive scrapes on different threads each left their own set resident (≈ 30 MB
    /// after three reads of /metrics at 100k series, docs/benchmarks.md scale9). A concurrent scrape that finds the
    /// set taken builds its own, dropped when the kept one is handed back; a set more than twice the size needed (many
    /// series removed) is replaced, so it follows the series count down as well as up.
    /// </summary>
    private RenderScratch TakeScratch(int length)
    {
        var scratch = Interlocked.Exchange(ref _spareScratch, null);
        if (scratch is null || scratch.Verdicts.Length < length || scratch.Verdicts.Length > 2 * Math.Max(length, 1024))
        {
            scratch = new RenderScratch(length);
            Interlocked.Increment(ref _scratchesBuilt);
        }

        return scratch;
    }

    /// <summary>Scratch sets built so far (tests: renders reuse one set instead of building one each).</summary>
    internal int ScratchesBuilt => Volatile.Read(ref _scratchesBuilt);

    private sealed class RenderScratch(int length)
    {
        public Verdict[] Verdicts { get; } = new Verdict[length];

        public ScoreEntry?[] Scored { get; } = new ScoreEntry?[length];
    }

    private static double Pick(in Verdict verdict, int family) => family switch
    {
        0 => verdict.Score,
        1 => verdict.Expected,
        2 => verdict.Lower,
        _ => verdict.Upper,
    };

    private ScoreEntry[] CurrentSnapshot()
    {
        // The version is read before the copy: a series added meanwhile bumps it, so the next scrape rebuilds.
        var version = Interlocked.Read(ref _version);
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || snapshot.Version != version)
        {
            snapshot = new Snapshot(_entries.Values.ToArray(), version);
            Volatile.Write(ref _snapshot, snapshot);
        }

        return snapshot.Entries;
    }

    private sealed record Snapshot(ScoreEntry[] Entries, long Version);
}
