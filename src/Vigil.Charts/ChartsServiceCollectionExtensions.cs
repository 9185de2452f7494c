using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Charts.Api;
using Vigil.Charts.Grpc;

namespace Vigil.Charts;

public static class ChartsServiceCollectionExtensions
{
    /// <summary>The chart endpoints' services and the gRPC server (which serves only when a gRPC port is mapped).</summary>
    public static IServiceCollection AddCharts(this IServiceCollection services, ChartsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<SeriesChartSource>();
        services.AddGrpc();
        return services;
    }

    /// <summary>
    /// <c>visualization.VisualizationService</c>, answered only on <paramref name="grpcPort"/>: that listener is
    /// HTTP/2-only, because plaintext gRPC cannot negotiate HTTP/2 on an Http1AndHttp2 endpoint (no TLS, no ALPN).
    /// </summary>
    public static IEndpointRouteBuilder MapVisualizationGrpc(this IEndpointRouteBuilder app, int grpcPort)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<VisualizationGrpcService>().RequireHost(FormattableString.Invariant($"*:{grpcPort}"));
        return app;
    }
}
