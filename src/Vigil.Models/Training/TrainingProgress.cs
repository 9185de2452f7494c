namespace Vigil.Models.Training;

public enum TrainingStage
{
    Fetching = 0,
    Fitting = 1,
    Validating = 2,
    Writing = 3,
}

/// <summary>Reported through <see cref="IProgress{T}"/> so the CLI can draw a progress bar.</summary>
public sealed record TrainingProgress(TrainingStage Stage, int Completed, int Total, string Detail);
