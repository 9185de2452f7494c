using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Vigil.Charts.Grpc.Contract;
using Vigil.Charts.Rendering;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Charts.Grpc;

/// <summary>
/// <c>visualization.VisualizationService/GenerateChart</c> of the business-metrics design document: the value line
/// and red anomaly markers of the caller's points, titled <c>Metric Analysis: {metric_name}</c>, as a 1200×600 PNG
/// (the document's 12×6 inch figure at 100 dpi). The request carries no band, so none is drawn.
/// </summary>
internal sealed class VisualizationGrpcService(ChartsOptions options, VigilMetrics metrics, ILogger<VisualizationGrpcService> logger)
    : VisualizationService.VisualizationServiceBase
{
    /// <summary>The document's message for an empty request, verbatim: its Python clients may match on it.</summary>
    public const string EmptyDataPointsMessage = "Data points cannot be empty.";

    public override Task<ChartResponse> GenerateChart(ChartRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DataPoints.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, EmptyDataPointsMessage));
        }

        if (request.DataPoints.Count > ChartLimits.MaxPoints || request.AnomalyPoints.Count > ChartLimits.MaxPoints)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"At most {ChartLimits.MaxPoints} data points and {ChartLimits.MaxPoints} anomaly points per chart.")));
        }

        var points = new ChartPoint[request.DataPoints.Count];
        for (var i = 0; i < points.Length; i++)
        {
            var p = request.DataPoints[i];
            points[i] = new ChartPoint(Milliseconds(p.TimestampSeconds), p.Value);
        }

        // The document's pandas code plots in the order given; the time axis here needs ascending times.
        if (!IsSorted(points))
        {
            Array.Sort(points, static (a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
        }

        var data = new ChartData
        {
            Title = $"Metric Analysis: {request.MetricName}",
            ValueName = request.MetricName.Length > 0 ? request.MetricName : "value",
            Points = points,
            Anomalies = [.. request.AnomalyPoints.Select(a => new ChartMarker(Milliseconds(a.TimestampSeconds), a.Value))],
        };

        byte[] png;
        try
        {
            png = ChartRenderer.Render(data, new ChartImageOptions { TimeZone = options.TimeZone });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.CountError(ErrorTypes.ChartRender);
            logger.ChartRenderFailed($"gRPC metric {request.MetricName}", ex);
            throw new RpcException(new Status(StatusCode.Internal, "The chart could not be rendered; see the service log."));
        }

        // The array is never touched again, so the response can wrap it instead of copying it.
        return Task.FromResult(new ChartResponse { ImagePng = UnsafeByteOperations.UnsafeWrap(png) });
    }

    private static long Milliseconds(long seconds)
    {
        // Unix seconds beyond year 9999 do not fit a chart's time axis; refuse rather than overflow.
        if (seconds is < -62_135_596_800 or > 253_402_300_799)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"timestamp_seconds {seconds} is out of range.")));
        }

        return seconds * 1000;
    }

    private static bool IsSorted(ChartPoint[] points)
    {
        for (var i = 1; i < points.Length; i++)
        {
            if (points[i].TimestampMs < points[i - 1].TimestampMs)
            {
                return false;
            }
        }

        return true;
    }
}
