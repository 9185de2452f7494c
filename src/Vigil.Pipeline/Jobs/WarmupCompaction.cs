namespace Vigil.Pipeline.Jobs;

/// <summary>
/// Full, compacting collections during and after a large first warm-up. The warm-up is a one-off bulk load that the
/// GC's steady-state heuristics handle badly: every slice's batch (≈ 34 MB at 100k series × 20 steps) lands on the large
/// object heap, which is only collected with generation 2, and every series drops its season-detection buffer at its
/// 600th point, all at once, into generation 2. Measured at 100k mature series (docs/benchmarks.md, "Scale", scale4):
/// 618 MB of dead large-object heap and ≈ 240 MB of dead buffers after the warm-up, a 2.1 GB peak RSS for ≈ 800 MB
/// of live data. A blocking, compacting, aggressive collection every <see cref="EverySamples"/> warmed samples (and one
/// at the end) returns that memory to the OS; it costs a fraction of a second of CPU per collection, once per start.
/// Small jobs never reach the threshold and are not affected.
/// </summary>
internal sealed class WarmupCompaction
{
    private long _sinceLast;
    private long _total;
    private bool _settlePending;

    /// <summary>
    /// Samples warmed between two collections: 1 M, one warm-up slice at 100k series (2 M until scale10, with slices of
    /// 2 M: the slices' peak 1,029–1,039 MB against 990, docs/benchmarks.md scale10). It was 20 M (≈ 340 MB of dead
    /// batches) until scale5 and 6 M (3 slices) until scale8; at 100k mature series the warm-up's peak came from what the
    /// detectors leave behind between collections (grown rings, season-detection buffers given up at the 600th point:
    /// each slice raised the resident set by ≈ 150 MB under server GC's budgets) beside a live heap at its largest, and
    /// reached 1,060 MB with 6 M under load (docs/benchmarks.md, scale8). A collection costs about a second of CPU at
    /// 100k series, ≈ 60 in a warm-up of 620 points a series, once per start.
    /// </summary>
    public long EverySamples { get; init; } = 1_000_000;

    /// <summary>The collection itself; replaced in tests.</summary>
    public Action Collect { get; init; } = CollectAggressively;

    /// <summary>Collections made so far.</summary>
    public int Collections { get; private set; }

    /// <summary>Counts a warmed slice; collects when <see cref="EverySamples"/> samples were warmed since the last collection.</summary>
    public void Warmed(int samples)
    {
        _sinceLast += samples;
        _total += samples;
        if (_sinceLast >= EverySamples)
        {
            Run();
        }
    }

    /// <summary>
    /// The first range's newest part is scored and its verdicts not yet published: one collection if the warm-up was
    /// large enough to have needed any. The newest part (up to a warm-up slice of points: its response body, batch and
    /// the detectors' scoring garbage) and the first publication (every series' history buffer, score entry, episode box
    /// and export labels created, ≈ 130 MB of new long-lived objects at 100k series, promoted through generations 0 and
    /// 1) otherwise stacked into one peak: +320–360 MB in 30 s at the end of the first cycle, the process' highest
    /// resident set (docs/benchmarks.md, scale9 and scale10). Collected between them, the publication starts on a
    /// compacted heap. <see cref="Finished"/> still collects after the publication.
    /// </summary>
    public void Scored()
    {
        if (_total >= EverySamples)
        {
            Run();
        }
    }

    /// <summary>
    /// The warm-up is over, its newest part scored and published: one last collection if it was large enough to have
    /// needed any, even right after a slice's. The newest part (up to a warm-up slice, not counted by
    /// <see cref="Warmed"/>) and the first publication (every series' first history buffer and score entry) leave their
    /// own garbage: skipping this collection when the last slice had just collected kept ≈ 150 MB at 100k series until
    /// the next one (scale8's first run with a collection every slice: 913 MB after the first cycle against 760).
    /// </summary>
    public void Finished()
    {
        if (_total >= EverySamples)
        {
            Run();
            _settlePending = true;
        }

        _total = 0;
    }

    /// <summary>
    /// The first cycle after a large warm-up has ended: one more collection, unless a catch-up made one in it. That
    /// cycle is when the warm-up's oversized buffers are let go (the response body array sized for a warm-up slice, the
    /// spare batch arrays, the verdict batch), and a steady job allocates too little for the GC to collect them soon:
    /// without it they stay committed for as long as the process runs.
    /// </summary>
    public void Settled()
    {
        if (_settlePending)
        {
            Run();
        }
    }

    /// <summary>
    /// A catch-up was fetched in slices (the job had fallen behind): one collection, since its dead batches would
    /// otherwise stay committed on the large object heap until the GC's next full collection, which a steady job
    /// allocating little may not reach for hours.
    /// </summary>
    public void CaughtUp() => Run();

    private void Run()
    {
        _settlePending = false;
        _sinceLast = 0;
        Collections++;
        Collect();
    }

    private static void CollectAggressively() =>
        // Aggressive: compacts every generation including the large object heap and decommits what it freed.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
