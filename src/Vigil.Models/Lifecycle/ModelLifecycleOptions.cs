using Vigil.Models.Shadow;
using Vigil.Models.Validation;

namespace Vigil.Models.Lifecycle;

/// <summary>Scheduled retraining of one job (config: <c>training:</c>, <c>promotion:</c>, <c>shadow:</c>).</summary>
public sealed record ModelLifecycleOptions
{
    /// <summary>Train when the active model is this old (or there is none). Default 24 hours.</summary>
    public TimeSpan FitEvery { get; init; } = TimeSpan.FromHours(24);

    /// <summary>History each training reads, ending now. Default 14 days.</summary>
    public TimeSpan FitWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>After a failed training, wait this long before trying again. Default 1 hour.</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Shadow a candidate beside the active model before deciding; null = decide on the held-out validation at once.</summary>
    public ShadowOptions? Shadow { get; init; } = new();

    public PromotionPolicyOptions Promotion { get; init; } = new();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (FitEvery <= TimeSpan.Zero)
        {
            errors.Add("training.fit_every: must be positive");
        }

        if (FitWindow <= TimeSpan.Zero)
        {
            errors.Add("training.fit_window: must be positive");
        }

        if (RetryAfterFailure <= TimeSpan.Zero)
        {
            errors.Add("training.retry_after_failure: must be positive");
        }

        if (Shadow is { Duration: var d } && d <= TimeSpan.Zero)
        {
            errors.Add("shadow.duration: must be positive");
        }

        errors.AddRange(Promotion.Validate());
        return errors;
    }
}
