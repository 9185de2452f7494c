using Vigil.Exposition;
using Vigil.Pipeline.Jobs;
using Vigil.Postgres.Hosting;

namespace Vigil.Hosting;

public static class Endpoints
{
    public static IEndpointRouteBuilder MapVigilEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", WriteMetricsAsync);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (IReadOnlyList<JobRunner> runners, IServiceProvider services) =>
        {
            // Ready when every part is: each job (a job whose every cycle fails is not; see JobReadiness and
            // docs/metrics.md) and, when configured, the business pipeline (not while its database is unreachable).
            // Each part says its own state, so a database outage shows as the business part only.
            var jobs = runners.Select(r => (Runner: r, Readiness: r.Readiness)).ToList();
            var business = services.GetService<BusinessReadiness>()?.Current is { } b ? new BusinessReadinessReport(b.Ready, b.State, b.Error, b.Attempts) : null;
            var ready = jobs.TrueForAll(j => j.Readiness.Ready) && business is not { Ready: false };
            var body = new ReadinessReport(
                ready ? "ready" : "not_ready",
                [.. jobs.Select(j => new JobReadinessReport(j.Runner.Name, j.Readiness.Ready, j.Readiness.State, j.Runner.CompletedCycles, j.Runner.SuccessfulCycles, j.Runner.ConsecutiveFailures, j.Runner.SeriesCount, j.Runner.WarmingSeries))],
                business);
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

// Business: the business pipeline's part; absent (null, not written) when no business section is configured.
internal sealed record ReadinessReport(string Status, IReadOnlyList<JobReadinessReport> Jobs, BusinessReadinessReport? Business);

// State: ok, connecting, database_unreachable (retrying with back-off) or startup_failed (not retried).
internal sealed record BusinessReadinessReport(bool Ready, string State, string? Error, int Attempts);

// WarmingSeries: series still warming up (no score yet), why a new job shows no score for a while; not a readiness condition.
internal sealed record JobReadinessReport(string Job, bool Ready, string State, long Cycles, long SuccessfulCycles, int ConsecutiveFailures, int Series, int WarmingSeries);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class ReadinessJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
