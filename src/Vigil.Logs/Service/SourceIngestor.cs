using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Mining;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Logs.Service;

/// <summary>One template's counts in a range, for the API.</summary>
public sealed record TemplateCounts(long Id, string Template, DateTimeOffset FirstSeen, long Count, IReadOnlyList<CountSample> Samples);

/// <summary>Lines of one template in one interval.</summary>
public readonly record struct CountSample(DateTimeOffset Start, long Count);

/// <summary>What a source ingested in a range: <see cref="Lines"/> equals the sum of the templates' counts.</summary>
public sealed record SourceCounts(string Source, long Lines, IReadOnlyList<TemplateCounts> Templates);

/// <summary>
/// The work of one log source, without its I/O: lines → header → miner → per-template counts of the open interval;
/// <see cref="CloseInterval"/> scores the top N templates plus <c>other</c> and publishes them on the verdict seam.
/// Thread-safe: the source's loop ingests and closes, the API reads. Template ids (and first-seen times) are saved to
/// and loaded from the state directory, so a restart keeps them.
/// </summary>
internal sealed class SourceIngestor
{
    /// <summary>The <c>job</c> label of every log series on /metrics.</summary>
    public const string VerdictSource = "logs";

    public const string OtherTemplate = "other";

    private readonly Lock _gate = new();
    private readonly LogSourceOptions _source;
    private readonly LogsOptions _options;
    private readonly HeaderParser _header;
    private readonly TemplateMiner _miner;
    private readonly IDetector _detector;
    private readonly IVerdictSink _verdicts;
    private readonly LogTelemetry _telemetry;
    private readonly NewTemplateFeed _feed;
    private readonly TimeProvider _time;
    private readonly string? _stateDirectory;
    private readonly Dictionary<long, TemplateInfo> _info = [];
    private readonly Queue<ClosedInterval> _closed = new();
    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly VerdictBatch _batch;
    private Dictionary<long, long> _open = [];
    private long _openLines;
    private DateTimeOffset _openStart;

    public SourceIngestor(LogSourceOptions source, LogsOptions options, IDetector detector, IVerdictSink verdicts, LogTelemetry telemetry, NewTemplateFeed feed, TimeProvider time, string? stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _options = options;
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _verdicts = verdicts ?? throw new ArgumentNullException(nameof(verdicts));
        _telemetry = telemetry ?? throw new ArgumentNullException(nameof(telemetry));
        _feed = feed ?? throw new ArgumentNullException(nameof(feed));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _stateDirectory = stateDirectory;
        _header = new HeaderParser(source.Format);
        _batch = new VerdictBatch(VerdictSource, options.TopTemplates + 1);
        _miner = LoadState() ?? new TemplateMiner(options.Miner);
        _openStart = IntervalStart(time.GetUtcNow());
        telemetry.SetTemplates(Name, _miner.TemplateCount);
    }

    public string Name => _source.Name;

    public LogSourceOptions Source => _source;

    /// <summary>The end of the open interval: the loop closes it when the clock passes it.</summary>
    public DateTimeOffset OpenIntervalEnd
    {
        get
        {
            lock (_gate)
            {
                return _openStart + _options.Interval;
            }
        }
    }

    public long LinesIngested { get; private set; }

    /// <summary>Where this source's positions are saved; null without a state directory.</summary>
    public string? CheckpointPath => _stateDirectory is null ? null : Path.Combine(_stateDirectory, FileName(".checkpoint"));

    private string? TemplatesPath => _stateDirectory is null ? null : Path.Combine(_stateDirectory, FileName(".templates"));

    private string? FirstSeenPath => _stateDirectory is null ? null : Path.Combine(_stateDirectory, FileName(".first-seen"));

    public void Ingest(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var line in lines)
            {
                var result = _miner.Add(_header.Message(line));
                var id = result.Template.Id;
                CollectionsMarshal.GetValueRefOrAddDefault(_open, id, out _)++;
                if (!_info.ContainsKey(id))
                {
                    _info[id] = new TemplateInfo(result.Template.Text, now);
                    if (result.Outcome == MineOutcome.Created)
                    {
                        _feed.Publish(new NewTemplateEvent(Name, id, result.Template.Text, now));
                    }
                }
            }

            _openLines += lines.Count;
            LinesIngested += lines.Count;
        }

        _telemetry.LinesMined(Name, lines.Count);
        _telemetry.SetTemplates(Name, _miner.TemplateCount);
    }

    /// <summary>
    /// Closes every interval that ended at or before <paramref name="now"/>: keeps its counts for the API, scores the
    /// top templates (by lines so far) and <c>other</c>, and publishes them. Returns the number of intervals closed.
    /// </summary>
    public int CloseIntervals(DateTimeOffset now)
    {
        var closed = 0;
        lock (_gate)
        {
            // After a long stop, do not publish thousands of empty intervals: skip to the history the API keeps.
            var oldestKept = IntervalStart(now) - (_options.Interval * _options.HistoryIntervals);
            if (_openStart < oldestKept && _openLines == 0)
            {
                _openStart = oldestKept;
            }

            while (_openStart + _options.Interval <= now)
            {
                CloseInterval();
                closed++;
            }
        }

        return closed;
    }

    private void CloseInterval()
    {
        var start = _openStart;
        var counts = _open.Select(p => (Id: p.Key, Count: p.Value)).OrderBy(p => p.Id).ToArray();
        _closed.Enqueue(new ClosedInterval(start, _openLines, counts));
        while (_closed.Count > _options.HistoryIntervals)
        {
            _closed.Dequeue();
        }

        foreach (var (id, count) in counts)
        {
            var info = _info[id];
            info.Total += count;
            if (_miner.Find(id) is { } live)
            {
                info.Text = live.Text;
            }
        }

        // The scored set: the most frequent live templates so far. A template that falls out is removed from the
        // seam (its count goes to `other` from then on), so the published points always sum to the interval's lines.
        var top = _info.Where(p => _miner.Find(p.Key) is not null)
            .OrderByDescending(p => p.Value.Total).ThenBy(p => p.Key)
            .Take(_options.TopTemplates)
            .Select(p => p.Key.ToString(CultureInfo.InvariantCulture))
            .ToHashSet(StringComparer.Ordinal);
        _batch.Clear();
        foreach (var key in _tracked.Keys.Where(k => k != OtherTemplate && !top.Contains(k)).ToList())
        {
            _batch.AddRemoved(_tracked[key].Series);
            _tracked.Remove(key);
        }

        var timestamp = start.ToUnixTimeMilliseconds();
        long scored = 0;
        foreach (var key in top.Order(StringComparer.Ordinal))
        {
            var count = _open.GetValueOrDefault(long.Parse(key, CultureInfo.InvariantCulture));
            scored += count;
            Publish(key, timestamp, count);
        }

        Publish(OtherTemplate, timestamp, _openLines - scored);
        _verdicts.Publish(_batch);
        _batch.Clear();
        _open = [];
        _openLines = 0;
        _openStart = start + _options.Interval;
        PruneInfo();
    }

    private void Publish(string templateId, long timestamp, long count)
    {
        if (!_tracked.TryGetValue(templateId, out var tracked))
        {
            var labels = Labels.From(new Label("source", Name), new Label("template_id", templateId));
            tracked = new Tracked(new ScoredSeries(VerdictSource, labels, _detector.Type), _detector.CreateSeries());
            _tracked[templateId] = tracked;
        }

        double value = count;
        var verdict = tracked.Detector.Observe(timestamp, new ReadOnlySpan<double>(ref value));
        _batch.Add(new ScoredPoint(tracked.Series, timestamp, value, verdict));
    }

    /// <summary>Bounded memory: forget templates that are neither live, remembered by the miner, nor in the kept intervals.</summary>
    private void PruneInfo()
    {
        var limit = 2 * (_options.Miner.MaxTemplates + _options.Miner.MaxEvictedRemembered);
        if (_info.Count <= limit)
        {
            return;
        }

        var referenced = _closed.SelectMany(c => c.Counts.Select(x => x.Id)).Concat(_open.Keys).ToHashSet();
        foreach (var id in _info.Keys.Where(id => _miner.Find(id) is null && !referenced.Contains(id)).ToList())
        {
            _info.Remove(id);
        }
    }

    /// <summary>Counts of every template with lines in [<paramref name="from"/>, <paramref name="to"/>) by interval start, the open interval included.</summary>
    public SourceCounts Query(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            var intervals = _closed.Select(c => (c.Start, c.Lines, c.Counts))
                .Append((_openStart, _openLines, _open.Select(p => (Id: p.Key, Count: p.Value)).OrderBy(p => p.Id).ToArray()))
                .Where(c => c.Item1 >= from && c.Item1 < to)
                .ToList();
            var lines = intervals.Sum(c => c.Item2);
            var templates = intervals.SelectMany(c => c.Item3.Select(x => (x.Id, Sample: new CountSample(c.Item1, x.Count))))
                .GroupBy(x => x.Id)
                .Select(g =>
                {
                    var info = _info[g.Key];
                    var text = _miner.Find(g.Key)?.Text ?? info.Text;
                    var samples = g.Select(x => x.Sample).ToList();
                    return new TemplateCounts(g.Key, text, info.FirstSeen, samples.Sum(s => s.Count), samples);
                })
                .OrderByDescending(t => t.Count).ThenBy(t => t.Id)
                .ToList();
            return new SourceCounts(Name, lines, templates);
        }
    }

    /// <summary>Writes the template ids and first-seen times (atomic renames); the caller then writes its positions.</summary>
    public void SaveState()
    {
        if (TemplatesPath is not { } templates || FirstSeenPath is not { } firstSeen)
        {
            return;
        }

        Directory.CreateDirectory(_stateDirectory!);
        string minerText;
        var seen = new StringBuilder("vigil-log-first-seen 1\n");
        lock (_gate)
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            _miner.Save(writer);
            minerText = writer.ToString();
            foreach (var (id, info) in _info.OrderBy(p => p.Key))
            {
                seen.Append(CultureInfo.InvariantCulture, $"{id} {info.FirstSeen.ToUnixTimeMilliseconds()}\n");
            }
        }

        WriteAtomically(templates, minerText);
        WriteAtomically(firstSeen, seen.ToString());
    }

    private TemplateMiner? LoadState()
    {
        if (TemplatesPath is not { } templates || !File.Exists(templates))
        {
            return null;
        }

        // A corrupt file throws (FormatException): start-up fails loudly rather than re-numbering every template.
        TemplateMiner miner;
        using (var reader = new StreamReader(templates, Encoding.UTF8))
        {
            miner = TemplateMiner.Load(reader, _options.Miner);
        }

        if (FirstSeenPath is { } path && File.Exists(path))
        {
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                    && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && miner.Find(id) is { } t)
                {
                    _info[id] = new TemplateInfo(t.Text, DateTimeOffset.FromUnixTimeMilliseconds(ms));
                }
            }
        }

        return miner;
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private DateTimeOffset IntervalStart(DateTimeOffset time)
    {
        var ticks = _options.Interval.Ticks;
        return new DateTimeOffset(time.UtcTicks - (time.UtcTicks % ticks), TimeSpan.Zero);
    }

    /// <summary>A file name safe on every file system, distinct per source name.</summary>
    private string FileName(string suffix)
    {
        var safe = new StringBuilder();
        foreach (var c in Name)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return string.Create(CultureInfo.InvariantCulture, $"{safe}-{FileNameHash(Name):x8}{suffix}");
    }

    private static uint FileNameHash(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private sealed class TemplateInfo(string text, DateTimeOffset firstSeen)
    {
        public string Text { get; set; } = text;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public long Total { get; set; }
    }

    private sealed record ClosedInterval(DateTimeOffset Start, long Lines, (long Id, long Count)[] Counts);

    private sealed record Tracked(ScoredSeries Series, ISeriesDetector Detector);
}
