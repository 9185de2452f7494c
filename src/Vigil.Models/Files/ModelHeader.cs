namespace Vigil.Models.Files;

/// <summary>
/// The JSON header of a model file (docs/models.md, "Model file format"). Everything a reader needs to decide
/// whether it can use the file, and everything an operator needs to know where the model came from.
/// </summary>
public sealed record ModelHeader
{
    /// <summary>Layout version of the file; a reader refuses versions it does not know.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Model kind, e.g. <c>isolation_forest</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Model name in the store (usually the job name).</summary>
    public required string Name { get; init; }

    /// <summary>Unique version: creation time and the first hex digits of the body hash, e.g. <c>20261121T114300Z-1a2b3c4d</c>.</summary>
    public required string Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>What wrote the file: <c>vigil</c> or <c>scikit-learn 1.2.1</c>.</summary>
    public required string Producer { get; init; }

    public required HyperParameters HyperParameters { get; init; }

    /// <summary>scikit-learn's <c>offset_</c>: the decision threshold on <c>score_samples</c>.</summary>
    public required double Offset { get; init; }

    /// <summary>Features in the order the forest reads them, each with the query that produces it and its scaling.</summary>
    public required IReadOnlyList<FeatureDescriptor> Features { get; init; }

    /// <summary>Labels the queries' results were joined on (e.g. <c>instance</c>).</summary>
    public IReadOnlyList<string> JoinLabels { get; init; } = [];

    /// <summary>Range-query step of the training data, in seconds; 0 when unknown (converted models).</summary>
    public double StepSeconds { get; init; }

    public TrainingInfo? Training { get; init; }

    /// <summary>Validation metrics by name (e.g. <c>anomaly_rate</c>, <c>f1</c>); empty when not validated.</summary>
    public IReadOnlyDictionary<string, double> Validation { get; init; } = new Dictionary<string, double>();

    public required BodyInfo Body { get; init; }
}

public sealed record HyperParameters
{
    public required int NEstimators { get; init; }

    /// <summary>ψ actually used (<c>max_samples_</c>).</summary>
    public required int MaxSamples { get; init; }

    public required double MaxFeatures { get; init; }

    /// <summary>Null means "auto" (offset −0.5).</summary>
    public double? Contamination { get; init; }

    /// <summary>Null when the producer did not fix a seed.</summary>
    public ulong? RandomState { get; init; }

    /// <summary><c>float64</c> (Vigil) or <c>float32</c> (scikit-learn: features are rounded to single precision before comparing).</summary>
    public required string InputPrecision { get; init; }
}

public sealed record FeatureDescriptor
{
    public required string Name { get; init; }

    /// <summary>The PromQL query producing the feature; empty for converted models that did not name one.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary><c>none</c>, <c>standard</c> or <c>robust</c>.</summary>
    public string Scaling { get; init; } = "none";

    public double Center { get; init; }

    public double Scale { get; init; } = 1.0;
}

public sealed record TrainingInfo
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public required long Rows { get; init; }

    /// <summary>Rows that could not be built, by reason (e.g. <c>missing_component</c>, <c>non_finite</c>).</summary>
    public IReadOnlyDictionary<string, long> Skipped { get; init; } = new Dictionary<string, long>();
}

public sealed record BodyInfo
{
    /// <summary>Body layout; this reader knows <c>vigil-trees-le-v1</c>.</summary>
    public required string Encoding { get; init; }

    public required long Length { get; init; }

    /// <summary>SHA-256 of the body, lowercase hex.</summary>
    public required string Sha256 { get; init; }

    public required int Trees { get; init; }
}
