namespace Vigil.Models.Files;

/// <summary>What a producer knows about a model besides the model itself; <see cref="ModelFileFormat.Create"/> adds the rest.</summary>
public sealed record ModelDescription
{
    public required string Name { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string Producer { get; init; } = "vigil";

    /// <summary>One query per feature, in feature order; empty when unknown.</summary>
    public IReadOnlyList<string> Queries { get; init; } = [];

    public IReadOnlyList<string> JoinLabels { get; init; } = [];

    public TimeSpan Step { get; init; }

    public TrainingInfo? Training { get; init; }

    public IReadOnlyDictionary<string, double> Validation { get; init; } = new Dictionary<string, double>();

    public double? Contamination { get; init; }

    public ulong? RandomState { get; init; }

    public double MaxFeatures { get; init; } = 1.0;
}
