using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vigil.Alerting.Tracing;
using Vigil.Inspection.Tracing;
using Vigil.Pipeline.Tracing;
using Vigil.Postgres.Tracing;
using Vigil.Prometheus.Tracing;

namespace Vigil.Hosting.Tracing;

/// <summary>Tracing in <c>vigil run</c> (docs/tracing.md).</summary>
public static class TracingServiceCollectionExtensions
{
    /// <summary>Every ActivitySource Vigil's assemblies create spans on.</summary>
    public static IReadOnlyList<string> Sources { get; } =
        [PipelineTracing.SourceName, PrometheusTracing.SourceName, BusinessTracing.SourceName, InspectionTracing.SourceName, AlertingTracing.SourceName];

    /// <summary>Endpoints scraped or probed every few seconds: a span each would drown the traces that matter.</summary>
    private static readonly string[] UntracedPaths = ["/metrics", "/healthz", "/readyz"];

    /// <summary>
    /// Registers Vigil's sources and the HttpClient, ASP.NET Core and Npgsql instrumentations as tracer configuration,
    /// and, when <paramref name="options"/> turns tracing on, the tracer provider with the OTLP exporter. Off, no
    /// provider exists, so nothing listens to any source and no span is ever created: the configuration alone costs
    /// nothing at run time. A provider added later (a test's in-memory exporter) picks the same configuration up.
    /// </summary>
    public static IServiceCollection AddVigilTracing(this IServiceCollection services, TracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.ConfigureOpenTelemetryTracerProvider(builder => builder
            .AddSource([.. Sources])
            .AddHttpClientInstrumentation()
            .AddAspNetCoreInstrumentation(o => o.Filter = http => !UntracedPaths.Contains(http.Request.Path.Value ?? string.Empty, StringComparer.Ordinal))
            .AddNpgsql());
        if (options.Enabled)
        {
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(TracingOptions.DefaultServiceName, serviceVersion: typeof(TracingOptions).Assembly.GetName().Version?.ToString()))
                .WithTracing(builder => builder.AddOtlpExporter());
        }

        return services;
    }
}
