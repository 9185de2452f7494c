namespace Vigil.Prometheus;

/// <summary>
/// Prometheus answered but the body is unusable: malformed or truncated JSON, missing fields, an unexpected
/// result type, an unparsable sample, or a body larger than <see cref="PrometheusClientOptions.MaxResponseBytes"/>.
/// </summary>
public sealed class PrometheusResponseException : PrometheusException
{
    public PrometheusResponseException()
        : this("The Prometheus response could not be parsed.")
    {
    }

    public PrometheusResponseException(string message)
        : base(PrometheusConstants.ErrorTypeResponse, message, null)
    {
    }

    public PrometheusResponseException(string message, Exception innerException)
        : base(PrometheusConstants.ErrorTypeResponse, message, innerException)
    {
    }
}
