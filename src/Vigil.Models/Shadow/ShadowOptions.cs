namespace Vigil.Models.Shadow;

public sealed record ShadowOptions
{
    /// <summary>How long the candidate is scored beside the active model before the policy decides. Default 24 hours.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(24);
}
