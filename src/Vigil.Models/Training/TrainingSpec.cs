using Vigil.Core.Detectors.IsolationForest;

namespace Vigil.Models.Training;

/// <summary>What to train for one job: its queries, how to join them, the step, the forest and the labelled incidents.</summary>
public sealed record TrainingSpec
{
    /// <summary>Model name in the store (usually the job name).</summary>
    public required string Name { get; init; }

    public required IReadOnlyList<FeatureQuery> Features { get; init; }

    /// <summary>Labels that identify an entity across queries, e.g. <c>instance</c>.</summary>
    public required IReadOnlyList<string> JoinLabels { get; init; }

    /// <summary>Range-query step; also the scoring step of the job. Default 1 minute.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(1);

    public IsolationForestOptions Forest { get; init; } = new();

    /// <summary>Known incidents for precision/recall/F1 on the held-out tail; empty = no labelled validation.</summary>
    public IReadOnlyList<IncidentWindow> Incidents { get; init; } = [];

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name: required");
        }

        if (Features.Count == 0)
        {
            errors.Add("features: at least one query is required");
        }

        foreach (var duplicate in Features.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"features: name '{duplicate.Key}' used twice");
        }

        if (Features.Any(f => string.IsNullOrWhiteSpace(f.Query)))
        {
            errors.Add("features: every feature needs a query");
        }

        if (Step <= TimeSpan.Zero)
        {
            errors.Add("step: must be positive");
        }

        errors.AddRange(Forest.Validate());
        return errors;
    }
}
