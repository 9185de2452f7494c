namespace Vigil.Pipeline;

/// <summary>The <c>error_type</c> values of <c>vigil_errors_total</c>, documented in docs/metrics.md.</summary>
public static class ErrorTypes
{
    /// <summary>The query failed: connection, HTTP status, timeout, or a Prometheus <c>status: error</c>.</summary>
    public const string PrometheusQuery = "prometheus_query";

    /// <summary>The response could not be understood: malformed JSON, unexpected result type.</summary>
    public const string PrometheusResponse = "prometheus_response";

    /// <summary>Data that cannot be scored as returned: duplicate series after the label allow-list, and similar.</summary>
    public const string DataProcessing = "data_processing";

    /// <summary>A detector threw while scoring a point.</summary>
    public const string ModelPredict = "model_predict";

    /// <summary>A model lifecycle tick failed unexpectedly (expected training failures count in vigil_model_training_failures_total).</summary>
    public const string ModelTraining = "model_training";
}
