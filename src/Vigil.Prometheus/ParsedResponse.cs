using Vigil.Core.Series;

namespace Vigil.Prometheus;

/// <summary>What a Prometheus API body said: either an error (status "error") or a result with its side notes.</summary>
internal sealed class ParsedResponse
{
    public required bool IsError { get; init; }

    /// <summary>Prometheus errorType when <see cref="IsError"/>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Prometheus error text when <see cref="IsError"/>.</summary>
    public string? Error { get; init; }

    public string? ResultType { get; init; }

    public SeriesBatch Batch { get; init; } = SeriesBatch.Empty;

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public IReadOnlyList<string> Infos { get; init; } = [];

    /// <summary>Series left out because they held only native histogram samples (Vigil analyses floats).</summary>
    public int SkippedHistogramSeries { get; init; }

    /// <summary>Native histogram samples left out, including those of series that also had float samples.</summary>
    public int SkippedHistogramSamples { get; init; }
}
