using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.EventStore;
using Vigil.Logs.Service;
using Vigil.Models.Store;
using Vigil.Pipeline.Telemetry;
using Vigil.Postgres.Api;

namespace Vigil.Web.Reading;

/// <summary>
/// Reads the optional features for their pages. Each one is looked up in the container: a feature that is not
/// configured registers nothing, and its page says so (200) instead of failing.
/// </summary>
internal sealed class FeatureReader(IServiceProvider services, IEventStore events, VigilMetrics metrics, ILogger<FeatureReader> logger)
{
    public const int Limit = 50;

    public async Task<Read<AlertsModel>> AlertsAsync(CancellationToken cancellationToken) => await ReadAsync("alerts", ErrorTypes.EventStore, async ct =>
    {
        var rows = (await events.ListAlertsAsync(null, 200, ct).ConfigureAwait(false)).Select(Parse).ToList();
        return new AlertsModel(
            [.. rows.Where(r => !r.Shadow && r.Status == AlertStatus.Firing)],
            [.. rows.Where(r => !r.Shadow && r.Status == AlertStatus.Resolved).Take(Limit)],
            [.. rows.Where(r => r.Shadow).Take(Limit)]);
    }, cancellationToken).ConfigureAwait(false);

    public bool InspectionConfigured => services.GetService<Vigil.Inspection.InspectionOptions>() is not null;

    public async Task<Read<InspectionsModel>> InspectionsAsync(CancellationToken cancellationToken) => await ReadAsync("inspection reports", ErrorTypes.EventStore, async ct =>
    {
        var history = await events.ListInspectionReportsAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddDays(-1), 20, ct).ConfigureAwait(false);
        return new InspectionsModel(await events.GetLatestInspectionReportAsync(ct).ConfigureAwait(false), history);
    }, cancellationToken).ConfigureAwait(false);

    public LogSources? Logs => services.GetService<LogSources>();

    /// <summary>Every template of every log source, newest first (by first-seen time).</summary>
    public static IReadOnlyList<LogTemplateRow> Templates(LogSources sources)
        => [.. sources.Names
            .SelectMany(name => sources.Query(name, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)?.Templates.Select(t => new LogTemplateRow(name, t.Id, t.Template, t.FirstSeen, t.Count)) ?? [])
            .OrderByDescending(t => t.FirstSeen).ThenByDescending(t => t.Id).Take(500)];

    public MetricSeriesReader? Business => services.GetService<MetricSeriesReader>();

    public async Task<Read<IReadOnlyList<MetricSummary>>> BusinessMetricsAsync(MetricSeriesReader reader, CancellationToken cancellationToken)
        => await ReadAsync("business metrics", ErrorTypes.SourceError, reader.ListAsync, cancellationToken).ConfigureAwait(false);

    public ModelStore? Models => services.GetService<ModelStore>();

    /// <summary>The job's model lifecycle (scheduled training, shadow comparison), or null when it has none.</summary>
    public Vigil.Models.Lifecycle.ModelLifecycle? Lifecycle(string job) => services.GetService<Vigil.Pipeline.Lifecycle.ModelLifecycles>()?.ByJob.GetValueOrDefault(job);

    private async Task<Read<T>> ReadAsync<T>(string what, string errorType, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return new Read<T>(await read(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.CountError(errorType);
            logger.ReadFailed("ui", what, ex.Message);
            return new Read<T>(default, $"The {what} could not be read ({ex.GetType().Name}); see the service log.");
        }
    }

    /// <summary>Alerting stores each alert's last sent state as JSON with its delivery state; this is what the page needs of it.</summary>
    internal static AlertRow Parse(AlertState state)
    {
        using var json = JsonDocument.Parse(state.Payload);
        var root = json.RootElement;
        string Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
        Dictionary<string, string> Map(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal)
            : [];
        var annotations = Map("Annotations");
        var summary = annotations.GetValueOrDefault("summary") ?? annotations.GetValueOrDefault("description") ?? string.Empty;
        DateTimeOffset? resolved = root.TryGetProperty("ResolvedAt", out var r) && r.ValueKind == JsonValueKind.String ? r.GetDateTimeOffset() : null;
        var starts = root.TryGetProperty("StartsAt", out var s) && s.ValueKind == JsonValueKind.String ? s.GetDateTimeOffset() : state.FirstSentAt;
        var shadow = root.TryGetProperty("Shadow", out var sh) && sh.ValueKind == JsonValueKind.True;
        var pending = root.TryGetProperty("Pending", out var p) && p.ValueKind == JsonValueKind.Array ? p.GetArrayLength() : 0;
        return new AlertRow(state.Key, state.Status, shadow, Text("Source"), Text("Sensor"), summary, Map("Labels"), starts, resolved, state.LastSentAt, pending);
    }
}
