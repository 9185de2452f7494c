using Vigil.EventStore;
using Vigil.Models.Store;
using Vigil.Postgres.Api;

namespace Vigil.Web.Reading;

/// <summary>A feature page: either the feature is off (and the page says how to turn it on) or it has content.</summary>
public sealed record FeaturePage<T>(string? NotConfigured, Read<T>? Content, TimeZoneInfo Zone);

/// <summary>One alert as the alerts page lists it, read from the payload alerting stores with its state.</summary>
public sealed record AlertRow(string Key, AlertStatus Status, bool Shadow, string Source, string Sensor, string Summary, IReadOnlyDictionary<string, string> Labels, DateTimeOffset StartsAt, DateTimeOffset? ResolvedAt, DateTimeOffset LastSentAt, int PendingReceivers);

public sealed record AlertsModel(IReadOnlyList<AlertRow> Active, IReadOnlyList<AlertRow> Resolved, IReadOnlyList<AlertRow> Shadow);

public sealed record InspectionsModel(InspectionReport? Latest, IReadOnlyList<InspectionReport> History);

public sealed record LogTemplateRow(string Source, long Id, string Template, DateTimeOffset FirstSeen, long Count);

public sealed record BusinessModel(IReadOnlyList<MetricSummary> Metrics, string? Selected, string? ChartUrl);

public sealed record ModelsModel(IReadOnlyList<ModelEntry> Entries, WriteAccess Access, Flash? Flash);
