using Vigil.EventStore;
using Vigil.Models.Store;
using Vigil.Models.Validation;
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

/// <summary>The Models page: one section per model-backed job, then every file of the store.</summary>
public sealed record ModelsModel(IReadOnlyList<ModelJobView> Jobs, IReadOnlyList<ModelEntry> Entries, WriteAccess Access, Flash? Flash);

/// <summary>A job that scores with a model: its active and candidate files (null when absent), its history, and a running shadow comparison.</summary>
public sealed record ModelJobView(string Job, string Model, ModelEntry? Active, ModelEntry? Candidate, IReadOnlyList<ModelEntry> History, ShadowView? Shadow)
{
    /// <summary>Whether some valid history version is older than the active one, i.e. whether Rollback can do anything.</summary>
    public bool CanRollBack => History.Any(h => h.Header is { } header && (Active?.Header is not { } active || (header.CreatedAt < active.CreatedAt && header.Version != active.Version)));
}

/// <summary>A candidate scored beside the active model on live points since <paramref name="StartedAt"/>; the comparison so far.</summary>
public sealed record ShadowView(string CandidateVersion, DateTimeOffset StartedAt, bool Due, ValidationComparison Comparison);
