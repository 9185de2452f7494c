using Vigil.Core.Sources;

namespace Vigil.Prometheus;

/// <summary>Base of every failure of the Prometheus source; <see cref="MetricSourceException.ErrorType"/> is the error_type label.</summary>
public class PrometheusException : MetricSourceException
{
    public PrometheusException()
        : base(PrometheusConstants.ErrorTypeQuery, "The Prometheus request failed.")
    {
    }

    public PrometheusException(string message)
        : base(PrometheusConstants.ErrorTypeQuery, message)
    {
    }

    public PrometheusException(string message, Exception innerException)
        : base(PrometheusConstants.ErrorTypeQuery, message, innerException)
    {
    }

    public PrometheusException(string errorType, string message, Exception? innerException)
        : base(errorType, message, innerException)
    {
    }

    /// <summary>Delay the server asked for (Retry-After), already capped; null when it did not say.</summary>
    internal TimeSpan? RetryAfter { get; init; }
}
