using System.Diagnostics;

namespace Vigil.Prometheus.Tracing;

/// <summary>
/// The Prometheus client's spans (docs/tracing.md): <c>vigil.prometheus.query</c> around a query with all its
/// attempts (each attempt's HTTP request is the HttpClient instrumentation's child span), and
/// <c>vigil.prometheus.parse</c> around parsing a response body.
/// </summary>
public static class PrometheusTracing
{
    public const string SourceName = "Vigil.Prometheus";

    public const string Query = "vigil.prometheus.query";
    public const string Parse = "vigil.prometheus.parse";

    internal static readonly ActivitySource Source = new(SourceName, typeof(PrometheusTracing).Assembly.GetName().Version?.ToString());
}
