using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Logs.Configuration;
using Vigil.Logs.Service;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Logs.Tests.Service;

/// <summary>Builds ingestors and source services on a fake clock, with a sink that keeps a copy of every published point.</summary>
internal sealed class LogsHarness
{
    public LogsHarness(DateTimeOffset? start = null)
    {
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        Registry = new MetricRegistry();
        Metrics = new VigilMetrics(Registry);
        Telemetry = new LogTelemetry(Registry);
    }

    public FakeTimeProvider Time { get; }

    public MetricRegistry Registry { get; }

    public VigilMetrics Metrics { get; }

    public LogTelemetry Telemetry { get; }

    public NewTemplateFeed Feed { get; } = new();

    public RecordingSink Sink { get; } = new();

    public static DetectorSpec QuickDetector { get; } = new("rolling_sigma", new Dictionary<string, string> { ["window"] = "4", ["min_points"] = "2" });

    public SourceIngestor CreateIngestor(LogSourceOptions source, LogsOptions? options = null, string? stateDirectory = null)
    {
        options ??= new LogsOptions { Sources = [source], Detector = QuickDetector };
        return new SourceIngestor(source, options, DetectorRegistry.CreateDefault().Create(options.Detector), Sink, Telemetry, Feed, Time, stateDirectory);
    }

    public LogSourceService CreateService(SourceIngestor ingestor, TimeSpan? checkpointInterval = null)
        => new(ingestor, checkpointInterval ?? TimeSpan.FromSeconds(10), Metrics, Telemetry, Time, null, [], NullLogger<LogSourceService>.Instance);

    /// <summary>Waits (bounded: only a broken build hits the bound) until <paramref name="condition"/> holds; the loops run on the thread pool.</summary>
    /// <summary>
    /// Advances the fake clock by <paramref name="step"/> until <paramref name="condition"/> holds: under load a poller
    /// may arm its next timer only after the clock moved, and then only the next advance fires it.
    /// </summary>
    public async Task AdvanceUntilAsync(TimeSpan step, Func<bool> condition, string what)
    {
        for (var advance = 0; advance < 20 && !condition(); advance++)
        {
            Time.Advance(step);
            for (var i = 0; i < 400 && !condition(); i++)
            {
                await Task.Delay(5);
            }
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 2000 && !condition(); i++)
        {

            await Task.Delay(5);
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }

    public double ErrorCount(string errorType) => Metrics.Errors.WithLabels(errorType).Value;
}

/// <summary>Copies every point (batches are reused by their source).</summary>
internal sealed class RecordingSink : IVerdictSink
{
    private readonly Lock _gate = new();
    private readonly List<(string Template, long TimestampMs, double Value, Vigil.Core.Detection.VerdictKind Kind)> _points = [];
    private readonly List<string> _removed = [];

    public int Batches { get; private set; }

    public IReadOnlyList<(string Template, long TimestampMs, double Value, Vigil.Core.Detection.VerdictKind Kind)> Points
    {
        get
        {
            lock (_gate)
            {
                return [.. _points];
            }
        }
    }

    public IReadOnlyList<string> Removed
    {
        get
        {
            lock (_gate)
            {
                return [.. _removed];
            }
        }
    }

    public void Publish(VerdictBatch batch)
    {
        lock (_gate)
        {
            Batches++;
            foreach (var p in batch.Points)
            {
                _points.Add((p.Series.Labels.Get("template_id")!, p.TimestampMs, p.Value, p.Verdict.Kind));
            }

            _removed.AddRange(batch.Removed.Select(s => s.Labels.Get("template_id")!));
        }
    }
}
