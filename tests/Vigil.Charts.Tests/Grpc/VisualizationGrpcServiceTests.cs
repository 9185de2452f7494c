using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Charts.Grpc;
using Vigil.Charts.Grpc.Contract;
using Vigil.Charts.Rendering;
using Vigil.Charts.Tests.Rendering;
using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Charts.Tests.Grpc;

/// <summary>The service's contract, called directly (the host tests call it through a real gRPC client).</summary>
public sealed class VisualizationGrpcServiceTests
{
    [Fact]
    public async Task GenerateChart_EmptyDataPoints_IsInvalidArgumentWithTheDocumentsMessage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateSut().GenerateChart(new ChartRequest { MetricName = "orders" }, null!));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("Data points cannot be empty.", ex.Status.Detail);
    }

    [Fact]
    public async Task GenerateChart_PointsOutOfOrder_RendersA1200By600Png()
    {
        var request = new ChartRequest { MetricName = "orders" };
        for (var i = 99; i >= 0; i--)
        {
            request.DataPoints.Add(new TimeseriesPoint { TimestampSeconds = 1_767_225_600 + (i * 60), Value = i % 10 });
        }

        request.AnomalyPoints.Add(new AnomalyPoint { TimestampSeconds = 1_767_225_600 + (50 * 60), Value = 30 });

        var response = await CreateSut().GenerateChart(request, null!);

        using var image = new PngImage(response.ImagePng.ToByteArray());
        Assert.Equal(1200, image.Width);
        Assert.Equal(600, image.Height);
        Assert.True(image.RedPixels() > 20, "the anomaly marker is missing");
    }

    [Fact]
    public async Task GenerateChart_TooManyPoints_IsInvalidArgument()
    {
        var request = new ChartRequest { MetricName = "orders" };
        for (var i = 0; i <= ChartLimits.MaxPoints; i++)
        {
            request.DataPoints.Add(new TimeseriesPoint { TimestampSeconds = i, Value = 1 });
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateSut().GenerateChart(request, null!));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("At most 100000 data points", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateChart_TimestampBeyondYear9999_IsInvalidArgument()
    {
        var request = new ChartRequest { MetricName = "orders" };
        request.DataPoints.Add(new TimeseriesPoint { TimestampSeconds = long.MaxValue, Value = 1 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => CreateSut().GenerateChart(request, null!));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("out of range", ex.Status.Detail, StringComparison.Ordinal);
    }

    private static VisualizationGrpcService CreateSut()
        => new(new ChartsOptions(), new VigilMetrics(new MetricRegistry()), NullLogger<VisualizationGrpcService>.Instance);
}
