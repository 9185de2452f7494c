using System.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Vigil.Testing.Tracing;

/// <summary>
/// Records finished spans with OpenTelemetry's in-memory exporter, with the instrumentations the host uses (HttpClient,
/// Npgsql). Listeners are process-wide, so a test running beside others sees their spans too: select your own trace
/// with <see cref="TraceOf"/> from a root span you can identify (its name and an attribute such as the job name).
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly LockedList _spans = new();
    private readonly TracerProvider _provider;

    public SpanRecorder(params string[] sources)
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sources)
            .AddHttpClientInstrumentation()
            .AddNpgsql()
            .AddInMemoryExporter(_spans)
            .Build();
    }

    /// <summary>The spans finished so far (the in-memory exporter exports each as it ends).</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            _provider.ForceFlush();
            return _spans.Snapshot();
        }
    }

    /// <summary>The one finished span named <paramref name="name"/> whose <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public Activity Find(string name, string tag, object value)
        => Assert.Single(Spans, s => s.OperationName == name && Equals(s.GetTagItem(tag), value));

    /// <summary>Every finished span of <paramref name="root"/>'s trace.</summary>
    public IReadOnlyList<Activity> TraceOf(Activity root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return [.. Spans.Where(s => s.TraceId == root.TraceId)];
    }

    /// <summary>The direct children of <paramref name="parent"/> in <paramref name="trace"/>, in start order.</summary>
    public static IReadOnlyList<Activity> ChildrenOf(IEnumerable<Activity> trace, Activity parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return [.. trace.Where(s => s.ParentSpanId == parent.SpanId).OrderBy(s => s.StartTimeUtc)];
    }

    public void Dispose() => _provider.Dispose();

    /// <summary>The exporter adds from whichever thread ends a span; tests read while cycles run.</summary>
    private sealed class LockedList : System.Collections.ObjectModel.Collection<Activity>
    {
        private readonly Lock _gate = new();

        public Activity[] Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
