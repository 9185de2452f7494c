using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Pipeline.Tracing;
using Vigil.Prometheus;
using Vigil.Prometheus.Tracing;
using Vigil.Testing.Servers;
using Vigil.Testing.Tracing;

namespace Vigil.Pipeline.Tests.Tracing;

/// <summary>The span tree of a job cycle, against a real Prometheus (its HTTP request traced by the HttpClient instrumentation).</summary>
public sealed class JobCycleTracingTests
{
    [Fact]
    public async Task RunCycle_RealPrometheus_OneCycleSpanWithFetchScoreAndPublishChildren()
    {
        await using var prometheus = await PrometheusServer.StartAsync("""
            - job_name: self
              static_configs:
                - targets: ['127.0.0.1:{port}']
            """, TimeSpan.FromSeconds(60));
        // A few scrapes, not just the first: the cycle's range ends a step (and the job's delay) before now, so with a
        // single sample it may find nothing yet and report no series.
        var enough = Uri.EscapeDataString("count_over_time(up[1m]) >= 3");
        await prometheus.WaitUntilAsync(async () => (await prometheus.Api.GetStringAsync(new Uri("/api/v1/query?query=" + enough, UriKind.Relative))).Contains("\"value\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "three self-scrapes");
        using var recorder = new SpanRecorder(PipelineTracing.SourceName, PrometheusTracing.SourceName);
        using var http = new HttpClient();
        var client = new PrometheusClient(http, new PrometheusClientOptions { BaseUrl = prometheus.BaseUrl }, NullLogger<PrometheusClient>.Instance, TimeProvider.System);
        var job = new JobOptions
        {
            Name = "trace-up",
            Query = "up",
            Interval = TimeSpan.FromSeconds(1),
            Detector = new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = "5" }),
        };
        var runner = new JobRunner(
            job,
            JobInputs.Create(job, client, () => throw new InvalidOperationException("no models"), new VigilMetrics(new MetricRegistry()).FeatureRowsSkipped),
            DetectorRegistry.CreateDefault().Create(job.Detector),
            new RecentHistory(new RecentHistoryOptions()),
            new VigilMetrics(new MetricRegistry()),
            TimeProvider.System,
            TimeProvider.System,
            TimeSpan.FromHours(1),
            NullLogger.Instance);

        var result = await runner.RunCycleAsync(CancellationToken.None);

        Assert.True(result.Success, result.ErrorType);
        var cycle = recorder.Find(PipelineTracing.Cycle, "vigil.job", "trace-up");
        var trace = recorder.TraceOf(cycle);
        Assert.Equal(default, cycle.ParentSpanId); // a root: the scheduler's loop has no ambient span
        Assert.Equal(ActivityStatusCode.Unset, cycle.Status);
        Assert.Equal("rolling_sigma", cycle.GetTagItem("vigil.detector"));
        Assert.Equal("prometheus", cycle.GetTagItem("vigil.source"));
        Assert.Equal(1L, cycle.GetTagItem("vigil.cycle_id"));
        Assert.Equal(result.Points, cycle.GetTagItem("vigil.points"));
        Assert.Equal(1, cycle.GetTagItem("vigil.series")); // up{job="self"}

        var children = SpanRecorder.ChildrenOf(trace, cycle);
        Assert.Equal([PipelineTracing.Fetch, PipelineTracing.Score, PipelineTracing.Publish], children.Select(c => c.OperationName));
        var fetch = children[0];
        Assert.Equal(1, fetch.GetTagItem("vigil.series"));
        Assert.True((int)fetch.GetTagItem("vigil.samples")! >= 1);
        Assert.Equal(result.Points, children[1].GetTagItem("vigil.points"));
        // Publish carries every verdict of the cycle, warm-up ones included; the cycle's points are the scored ones.
        Assert.InRange((int)children[2].GetTagItem("vigil.points")!, Math.Max(1, result.Points), int.MaxValue);

        var query = Assert.Single(SpanRecorder.ChildrenOf(trace, fetch));
        Assert.Equal(PrometheusTracing.Query, query.OperationName);
        Assert.Equal("query_range", query.GetTagItem("vigil.prometheus.endpoint"));
        Assert.Equal("up", query.GetTagItem("vigil.prometheus.query"));
        Assert.Equal(1, query.GetTagItem("vigil.prometheus.attempts"));

        // The request itself (HttpClient instrumentation), then the parse of its body.
        var underQuery = SpanRecorder.ChildrenOf(trace, query);
        Assert.Equal(2, underQuery.Count);
        var request = underQuery[0];
        Assert.Equal(ActivityKind.Client, request.Kind);
        Assert.Contains((string)request.GetTagItem("http.request.method")!, (string[])["GET", "POST"]); // POST only for long queries
        Assert.Equal(200, request.GetTagItem("http.response.status_code"));
        // .NET redacts the query string of url.full (the PromQL stays out of the trace unless vigil.prometheus.query says it).
        Assert.EndsWith("/api/v1/query_range?*", (string)request.GetTagItem("url.full")!, StringComparison.Ordinal);
        Assert.Equal(PrometheusTracing.Parse, underQuery[1].OperationName);
        Assert.True((int)underQuery[1].GetTagItem("vigil.prometheus.response_bytes")! > 0);
    }

    [Fact]
    public async Task RunCycle_SourceFails_CycleAndFetchSpansCarryTheErrorType()
    {
        using var recorder = new SpanRecorder(PipelineTracing.SourceName);
        var input = new FakeInput();
        input.Failures.Enqueue(FakeInput.QueryError());
        var job = new JobOptions { Name = "trace-failing", Query = "up", Interval = TimeSpan.FromMinutes(1) };
        var runner = new JobRunner(job, input, DetectorRegistry.CreateDefault().Create(job.Detector), new RecentHistory(new RecentHistoryOptions()), new VigilMetrics(new MetricRegistry()), TimeProvider.System, TimeProvider.System, TimeSpan.FromHours(1), NullLogger.Instance);

        await runner.RunCycleAsync(CancellationToken.None);

        var cycle = recorder.Find(PipelineTracing.Cycle, "vigil.job", "trace-failing");
        var fetch = Assert.Single(SpanRecorder.ChildrenOf(recorder.TraceOf(cycle), cycle));
        foreach (var span in (Activity[])[cycle, fetch])
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("prometheus_query", span.GetTagItem("error.type"));
            Assert.Equal("connection refused", span.StatusDescription);
        }
    }
}
