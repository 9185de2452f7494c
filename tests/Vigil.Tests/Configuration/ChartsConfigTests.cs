using Vigil.Configuration;
using Vigil.Pipeline.Jobs;
using Vigil.Tests.Support;

namespace Vigil.Tests.Configuration;

/// <summary><c>server.grpc_port</c>, <c>server.grpc_listen_address</c> and <c>server.time_zone</c> (docs/charts.md).</summary>
public sealed class ChartsConfigTests : IDisposable
{
    private readonly ConfigFiles _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Load_NoChartSettings_GrpcOffAndUtc()
    {
        var options = _config.Load("jobs: [{ name: a, query: up }]\n");

        Assert.Null(options.Server.GrpcPort);
        Assert.Null(options.Server.GrpcListenAddress);
        Assert.Equal(TimeZoneInfo.Utc, options.Server.TimeZone);
    }

    [Fact]
    public void Load_ChartSettings_AreRead()
    {
        var options = _config.Load("server: { grpc_port: 50051, grpc_listen_address: 127.0.0.1, time_zone: Europe/Berlin }\njobs: [{ name: a, query: up }]\n");

        Assert.Equal(50051, options.Server.GrpcPort);
        Assert.Equal("127.0.0.1", options.Server.GrpcListenAddress);
        Assert.Equal("Europe/Berlin", options.Server.TimeZone.Id);
    }

    [Theory]
    [InlineData("grpc_port: 8000", "server.grpc_port: must differ from server.port")]
    [InlineData("grpc_port: 70000", "server.grpc_port:")]
    [InlineData("grpc_listen_address: everywhere", "server.grpc_listen_address: 'everywhere' is not an IP address")]
    [InlineData("time_zone: Mars/Olympus", "server.time_zone: 'Mars/Olympus' is not a known time zone id")]
    public void TryLoad_BadChartSetting_NamesIt(string setting, string error)
    {
        var (options, errors) = _config.TryLoad($"server: {{ {setting} }}\njobs: [{{ name: a, query: up }}]\n");

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }
}
