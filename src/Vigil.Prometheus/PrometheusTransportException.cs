namespace Vigil.Prometheus;

/// <summary>
/// The request did not produce an API answer: connection refused, DNS, TLS, time-out, or an HTTP error status
/// without a Prometheus error body (e.g. a proxy's 502 page).
/// </summary>
public sealed class PrometheusTransportException : PrometheusException
{
    public PrometheusTransportException()
    {
    }

    public PrometheusTransportException(string message)
        : base(message)
    {
    }

    public PrometheusTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PrometheusTransportException(string message, int? statusCode, bool isTransient, Exception? innerException = null)
        : base(PrometheusConstants.ErrorTypeQuery, message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    /// <summary>HTTP status when the server answered, null when no response arrived.</summary>
    public int? StatusCode { get; }
}
