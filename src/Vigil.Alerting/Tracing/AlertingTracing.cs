using System.Diagnostics;

namespace Vigil.Alerting.Tracing;

/// <summary>
/// Alerting's spans (docs/tracing.md): <c>vigil.alert.publish</c> and <c>vigil.alert.resolve</c> for a notification
/// (dedup, outbox, immediate delivery; each receiver's HTTP request is the HttpClient instrumentation's child span).
/// </summary>
public static class AlertingTracing
{
    public const string SourceName = "Vigil.Alerting";

    public const string Publish = "vigil.alert.publish";
    public const string Resolve = "vigil.alert.resolve";

    internal static readonly ActivitySource Source = new(SourceName, typeof(AlertingTracing).Assembly.GetName().Version?.ToString());
}
