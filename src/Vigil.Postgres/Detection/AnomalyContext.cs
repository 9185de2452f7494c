using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Postgres.Detection;

/// <summary>
/// What <c>aggregated_metrics.anomaly_context</c> holds for every scored minute: enough to explain the verdict
/// (and draw the band) without re-running the detector. Serialized with System.Text.Json, never by string concatenation.
/// </summary>
public sealed record AnomalyContext
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Method { get; init; }

    public required string DetectorVersion { get; init; }

    public double? Mean { get; init; }

    public double? StdDev { get; init; }

    public double? LowerBoundary { get; init; }

    public double? UpperBoundary { get; init; }

    public double? Score { get; init; }

    public required int WindowSize { get; init; }

    /// <summary>History points the verdict was based on (at most the window).</summary>
    public required int PointsUsed { get; init; }

    /// <summary>True when fewer than half a window of history existed: no verdict was given.</summary>
    public bool InsufficientHistory { get; init; }

    public string? Note { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AnomalyContext? FromJson(string json) => JsonSerializer.Deserialize<AnomalyContext>(json, Json);
}
