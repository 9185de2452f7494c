namespace Vigil.Models.Lifecycle;

/// <summary>
/// Counters for the host to export (<c>vigil_model_age_seconds</c>, <c>vigil_model_training_duration_seconds</c>,
/// <c>vigil_model_training_failures_total</c>, <c>vigil_model_promotions_total</c>, …). A snapshot: immutable.
/// </summary>
public sealed record ModelLifecycleStats
{
    public DateTimeOffset? ActiveCreatedAt { get; init; }

    public string? ActiveVersion { get; init; }

    public TimeSpan? LastTrainingDuration { get; init; }

    public long Trainings { get; init; }

    public long TrainingFailures { get; init; }

    public long Promotions { get; init; }

    public long Discards { get; init; }

    public long Rollbacks { get; init; }

    public bool Shadowing { get; init; }
}
