namespace Vigil.Prometheus;

/// <summary>
/// Prometheus answered with <c>"status":"error"</c>: the query itself failed (bad PromQL, execution error, query timeout).
/// </summary>
public sealed class PrometheusApiException : PrometheusException
{
    public PrometheusApiException()
        : this("unknown", "unknown error", null)
    {
    }

    public PrometheusApiException(string message)
        : base(message)
    {
        ApiErrorType = "unknown";
        ApiError = message;
    }

    public PrometheusApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        ApiErrorType = "unknown";
        ApiError = message;
    }

    public PrometheusApiException(string apiErrorType, string apiError, int? statusCode)
        : base(PrometheusConstants.ErrorTypeQuery, $"Prometheus query failed: {apiErrorType}: {apiError}", null)
    {
        ApiErrorType = apiErrorType;
        ApiError = apiError;
        StatusCode = statusCode;
        IsTransient = IsTransientError(apiErrorType, statusCode);
    }

    /// <summary>Prometheus <c>errorType</c>: bad_data, execution, timeout, canceled, internal, unavailable, not_found, ...</summary>
    public string ApiErrorType { get; }

    /// <summary>Prometheus <c>error</c> text.</summary>
    public string ApiError { get; }

    /// <summary>HTTP status the error came with.</summary>
    public int? StatusCode { get; }

    // Error types from https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview and
    // web/api/v1/api.go (errorTimeout -> 503, errorUnavailable -> 503, errorInternal -> 500, errorBadData -> 400,
    // errorExec -> 422). A query that is wrong stays wrong; an overloaded server may recover.
    private static bool IsTransientError(string apiErrorType, int? statusCode) => apiErrorType switch
    {
        "timeout" or "unavailable" or "internal" => true,
        "bad_data" or "execution" or "canceled" or "not_found" or "not_acceptable" => false,
        _ => statusCode is >= 500 or 429,
    };
}
