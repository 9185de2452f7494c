using Vigil.Models.Files;
using Vigil.Models.Validation;

namespace Vigil.Models.Training;

/// <summary>A candidate written to the store, with what went into it and how it validated.</summary>
public sealed record TrainingResult
{
    public required ModelFile Candidate { get; init; }

    public required string CandidatePath { get; init; }

    public required long TrainingRows { get; init; }

    public required long HoldoutRows { get; init; }

    /// <summary>Rows that could not be built, by reason (see <c>SkipReasons</c>).</summary>
    public required IReadOnlyDictionary<string, long> Skipped { get; init; }

    public required ValidationComparison Validation { get; init; }

    /// <summary>Why the active model was not compared (missing, unreadable, different features); null when it was.</summary>
    public string? ActiveNotCompared { get; init; }

    public required TimeSpan Duration { get; init; }
}
