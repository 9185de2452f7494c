using Vigil.Prometheus;

namespace Vigil.Models.Training;

public sealed record TrainerOptions
{
    /// <summary>Prometheus refuses range queries returning more than 11,000 points per series (<see cref="PrometheusLimits"/>).</summary>
    public const int PrometheusMaxPointsPerSeries = PrometheusLimits.MaxPointsPerSeries;

    /// <summary>Points per series per range query; the window is split into chunks of at most this many steps. Default 11,000.</summary>
    public int MaxPointsPerSeries { get; init; } = PrometheusMaxPointsPerSeries;

    /// <summary>Fraction of the window (the most recent part, by time) held out for validation. Default 0.2.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Fewer training rows than this fails the training instead of producing a meaningless model. Default 256.</summary>
    public int MinTrainingRows { get; init; } = 256;
}
