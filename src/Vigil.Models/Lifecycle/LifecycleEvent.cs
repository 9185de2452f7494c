using Vigil.Models.Training;
using Vigil.Models.Validation;

namespace Vigil.Models.Lifecycle;

public enum LifecycleEventKind
{
    /// <summary>A candidate was trained and is now shadowed beside the active model.</summary>
    ShadowStarted = 0,

    Promoted = 1,

    /// <summary>The policy kept the active model; the candidate was deleted.</summary>
    Discarded = 2,

    TrainingFailed = 3,

    /// <summary>The policy accepted the candidate but it could not be activated (e.g. the file went bad); the active model stays.</summary>
    PromotionFailed = 4,
}

/// <summary>What one <see cref="ModelLifecycle.TickAsync"/> did, for the host's log line and metrics.</summary>
public sealed record LifecycleEvent(
    LifecycleEventKind Kind,
    string Name,
    string? CandidateVersion,
    PromotionDecision? Decision,
    TrainingResult? Training,
    string? Error);
