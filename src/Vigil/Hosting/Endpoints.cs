using Vigil.Configuration;
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
            // Ready once every job has completed a cycle or is running its first: the config loaded and the loop lives.
            var waiting = runners.Where(r => r.CompletedCycles == 0 && !r.InProgress).Select(r => r.Name).ToList();
            return waiting.Count == 0
                ? Results.Text("ready\n")
                : Results.Text($"waiting for the first cycle of: {string.Join(", ", waiting)}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/", (VigilOptions options, IReadOnlyList<JobRunner> runners) => Results.Text(
            $"Vigil: /metrics /healthz /readyz\nconfig: {options.Origin}\n"
            + string.Concat(runners.Select(r => $"job {r.Name}: {r.Options.Query} every {Duration.Format(r.Options.Interval)}, detector {r.Detector.Type}, {r.SeriesCount} series, {r.CompletedCycles} cycles\n"))));
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
