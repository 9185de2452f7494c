using Vigil.Exposition;
using Vigil.Pipeline.Jobs;

namespace Vigil.Hosting;

public static class Endpoints
{
    public static IEndpointRouteBuilder MapVigilEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", WriteMetricsAsync);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (IReadOnlyList<JobRunner> runners) =>
        {
            // Ready when every job is: a job whose every cycle fails is not (see JobReadiness and docs/metrics.md).
            var jobs = runners.Select(r => (Runner: r, Readiness: r.Readiness)).ToList();
            var ready = jobs.TrueForAll(j => j.Readiness.Ready);
            var body = new ReadinessReport(
                ready ? "ready" : "not_ready",
                [.. jobs.Select(j => new JobReadinessReport(j.Runner.Name, j.Readiness.Ready, j.Readiness.State, j.Runner.CompletedCycles, j.Runner.SuccessfulCycles, j.Runner.ConsecutiveFailures))]);
            return Results.Json(body, ReadinessJsonContext.Default.ReadinessReport, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        // "/" is the web UI (Vigil.Web), mapped by VigilHost.
        return app;
    }

    private const int MetricsFlushBytes = 64 * 1024;

    private static async Task WriteMetricsAsync(HttpContext context)
    {
        var registry = context.RequestServices.GetRequiredService<MetricRegistry>();
        context.Response.ContentType = ExpositionWriter.ContentType;
        // Rendered straight into the response pipe and flushed every 64 KB: 100k series never become one giant string,
        // nor one giant buffer (tens of MB per concurrent scrape) waiting for a single flush.
        var body = context.Response.BodyWriter;
        await registry.WriteToAsync(body, async ct => !(await body.FlushAsync(ct)).IsCompleted, MetricsFlushBytes, context.RequestAborted);
        await body.FlushAsync(context.RequestAborted);
    }
}

internal sealed record ReadinessReport(string Status, IReadOnlyList<JobReadinessReport> Jobs);

internal sealed record JobReadinessReport(string Job, bool Ready, string State, long Cycles, long SuccessfulCycles, int ConsecutiveFailures);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class ReadinessJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
