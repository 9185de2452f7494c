namespace Vigil.Core.Sources;

/// <summary>
/// A source failed. <see cref="ErrorType"/> is the <c>error_type</c> label the failure is counted under
/// in <c>vigil_errors_total</c> (e.g. <c>prometheus_query</c>, <c>prometheus_response</c>).
/// </summary>
public class MetricSourceException : Exception
{
    public MetricSourceException()
        : this("source_error", "The metric source failed.")
    {
    }

    public MetricSourceException(string message)
        : this("source_error", message)
    {
    }

    public MetricSourceException(string message, Exception innerException)
        : this("source_error", message, innerException)
    {
    }

    public MetricSourceException(string errorType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
    }

    public string ErrorType { get; }

    /// <summary>True when the same request may succeed later (connection refused, 5xx, 429, timeout).</summary>
    public bool IsTransient { get; init; }
}
