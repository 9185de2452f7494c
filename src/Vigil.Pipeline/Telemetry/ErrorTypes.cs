namespace Vigil.Pipeline.Telemetry;

/// <summary>
/// The one catalogue of the <c>error_type</c> values of <c>vigil_errors_total</c>. The metric's help text lists
/// <see cref="All"/>; docs/metrics.md documents each in a table that a test compares with <see cref="All"/> and
/// <see cref="PerJob"/> both ways; another test checks that every value another assembly raises (Prometheus and replay
/// source exceptions) is one of these.
/// </summary>
public static class ErrorTypes
{
    /// <summary>The query failed: connection, HTTP status, timeout, or a Prometheus <c>status: error</c>.</summary>
    public const string PrometheusQuery = "prometheus_query";

    /// <summary>The response could not be understood: malformed JSON, unexpected result type, over the size limit.</summary>
    public const string PrometheusResponse = "prometheus_response";

    /// <summary>A query the embedded replay source cannot run, or a range over its limit.</summary>
    public const string ReplayQuery = "replay_query";

    /// <summary>Any other metric source failure that did not name its type.</summary>
    public const string SourceError = "source_error";

    /// <summary>Data that cannot be scored as returned (duplicate series after the label allow-list), or an unexpected failure inside a cycle.</summary>
    public const string DataProcessing = "data_processing";

    /// <summary>A detector threw while scoring a point.</summary>
    public const string ModelPredict = "model_predict";

    /// <summary>A model lifecycle tick failed unexpectedly (expected training failures count in vigil_model_training_failures_total).</summary>
    public const string ModelTraining = "model_training";

    /// <summary>A changed model file does not load; the running model stays.</summary>
    public const string ModelLoad = "model_load";

    /// <summary>A job's detector state could not be written or read back.</summary>
    public const string StateSnapshot = "state_snapshot";

    /// <summary>A verdict sink threw while receiving a batch; the other sinks still received it.</summary>
    public const string VerdictSink = "verdict_sink";

    /// <summary>The event store failed a write or read (disk, connection); episode writes are retried, then dropped.</summary>
    public const string EventStore = "event_store";

    /// <summary>A request to an authenticated endpoint without a valid bearer token (answered 401).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The alert dedup back end (Redis or the event store) failed; the alert was published anyway (fail-open).</summary>
    public const string Dedup = "dedup";

    /// <summary>An alert receiver (Alertmanager, webhook) rejected or did not answer a delivery; it is retried from the outbox.</summary>
    public const string AlertDelivery = "alert_delivery";

    /// <summary>Writing an alert's outbox record to the event store failed; delivery went ahead from memory.</summary>
    public const string AlertOutbox = "alert_outbox";

    /// <summary>A remote-write request was rejected (4xx) or still failed after its last attempt; its samples are counted as failed.</summary>
    public const string RemoteWrite = "remote_write";

    /// <summary>An inspection sensor threw or overran its timeout (recorded in the round's errors; the other sensors finished), or a background baseline retraining failed unexpectedly.</summary>
    public const string InspectionSensor = "inspection_sensor";

    /// <summary>An inspection round's report could not be stored in the event store; it is still served from memory.</summary>
    public const string InspectionReport = "inspection_report";

    /// <summary>A chart could not be rendered (answered 500); bad chart parameters are the caller's and answered 4xx, uncounted.</summary>
    public const string ChartRender = "chart_render";

    /// <summary>A log source failed to read (file I/O, Loki, syslog socket) or to save its positions; it retries at its next poll.</summary>
    public const string LogSource = "log_source";

    /// <summary>The business-metrics database (PostgreSQL) is unreachable or failed a pipeline operation; the pipeline retries with back-off.</summary>
    public const string Database = "database";

    /// <summary>Every value, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PrometheusQuery, PrometheusResponse, ReplayQuery, SourceError, DataProcessing, ModelPredict, ModelTraining, ModelLoad, StateSnapshot, VerdictSink, EventStore, Unauthorized, Dedup, AlertDelivery, AlertOutbox, RemoteWrite, InspectionSensor, InspectionReport, ChartRender, LogSource, Database,
    ];

    /// <summary>
    /// The values a detection job raises in its own cycles, state and model lifecycle: counted with the job's
    /// <c>job</c> label and exported at 0 for every job from the start. (Other parts, e.g. inspection sensors or charts,
    /// may raise the source types too, without a job.)
    /// </summary>
    public static IReadOnlyList<string> PerJob { get; } =
    [
        PrometheusQuery, PrometheusResponse, ReplayQuery, SourceError, DataProcessing, ModelPredict, ModelTraining, StateSnapshot,
    ];

    /// <summary>The position of <paramref name="errorType"/> in <see cref="All"/>, or -1.</summary>
    public static int IndexOf(string errorType)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], errorType, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
