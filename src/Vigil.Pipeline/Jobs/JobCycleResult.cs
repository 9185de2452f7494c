namespace Vigil.Pipeline.Jobs;

/// <summary>Outcome of one detection cycle of a job (the business-metrics aggregation has its own <c>Vigil.Postgres.Aggregation.CycleResult</c>).</summary>
public sealed record JobCycleResult(bool Success, int Points, int Anomalies, int InvalidSamples, string? ErrorType)
{
    public static JobCycleResult Empty { get; } = new(true, 0, 0, 0, null);

    public static JobCycleResult Failed(string errorType) => new(false, 0, 0, 0, errorType);
}
