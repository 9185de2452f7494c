namespace Vigil.Charts;

/// <summary>Charts and the visualization gRPC service (<c>server.time_zone</c>, <c>server.grpc_*</c>; docs/charts.md).</summary>
public sealed record ChartsOptions
{
    /// <summary>Zone of the charts' time axis unless a request asks for another (<c>tz=</c>). Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
}
