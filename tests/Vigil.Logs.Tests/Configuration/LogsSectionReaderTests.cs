using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;

namespace Vigil.Logs.Tests.Configuration;

public sealed class LogsSectionReaderTests
{
    // The shape YamlDotNet's untyped deserializer produces: Dictionary<object, object> maps, List<object> lists, string scalars.
    private static Dictionary<object, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => (object)e.Key, e => e.Value);

    [Fact]
    public void Read_EveryKindOfSource_DefaultsFilledIn()
    {
        var section = Map(
            ("state_dir", "/var/lib/vigil/logs"),
            ("miner", Map(("similarity_threshold", "0.8"))),
            ("sources", new List<object?>
            {
                Map(("name", "app"), ("type", "file"), ("include", new List<object?> { "/var/log/app/*.log" }), ("format", "json")),
                Map(("name", "syslog"), ("type", "syslog"), ("udp_port", "1514"), ("tcp_port", null)),
                Map(("name", "loki"), ("type", "loki"), ("url", "http://loki:3100"), ("query", "{app=\"x\"}"), ("tenant", "t"), ("delay", "30s")),
                Map(("name", "k8s"), ("type", "kubernetes"), ("namespace", "shop"), ("label_selector", "app=checkout")),
            }));

        var (options, errors) = LogsSectionReader.Read(section);

        Assert.Empty(errors);
        Assert.Equal(0.8, options!.Miner.SimilarityThreshold);
        Assert.Equal(16, options.Miner.FreezeAfterLines);
        Assert.Equal("/var/lib/vigil/logs", options.StateDirectory);
        Assert.Equal(LogFormat.Json, options.Sources[0].Format);
        Assert.Equal(["/var/log/app/*.log"], options.Sources[0].File!.Include);
        Assert.Equal(1514, options.Sources[1].Syslog!.UdpPort);
        Assert.Null(options.Sources[1].Syslog!.TcpPort);
        Assert.Equal(LogFormat.Syslog, options.Sources[1].Format);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Sources[2].Loki!.Delay);
        Assert.Equal(200, options.Sources[3].Kubernetes!.TailLines);
    }

    [Fact]
    public void Read_Invalid_EveryErrorWithItsPath()
    {
        var section = Map(
            ("miner", Map(("similarity_threshold", "2"), ("typo", "1"))),
            ("sources", new List<object?>
            {
                Map(("name", "a"), ("type", "loki"), ("query", "rate(x[1m])")),
                Map(("name", "a"), ("type", "syslog")),
                Map(("name", "b"), ("type", "ftp")),
                Map(("type", "file"), ("include", new List<object?> { "relative/*.log" }), ("poll_interval", "soon")),
            }));

        var (options, errors) = LogsSectionReader.Read(section);

        Assert.Null(options);
        Assert.Contains("logs.miner.similarity_threshold: must be in (0, 1], got 2", errors);
        Assert.Contains("logs.miner.typo: unknown key", errors);
        Assert.Contains(errors, e => e.StartsWith("logs.sources[0].url:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[0].query:", StringComparison.Ordinal));
        Assert.Contains("logs.sources[1].name: 'a' is used by another source", errors);
        Assert.Contains("logs.sources[2].type: unknown 'ftp' (file, syslog, loki, kubernetes)", errors);
        Assert.Contains("logs.sources[3].name: required", errors);
        Assert.Contains(errors, e => e.StartsWith("logs.sources[3].include[0]:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[3].poll_interval: 'soon'", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NoSection_Defaults()
    {
        var (options, errors) = LogsSectionReader.Read(null);

        Assert.Empty(errors);
        Assert.Empty(options!.Sources);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1.5h", 5400)]
    public void TryParseDuration_Units_Seconds(string text, double seconds)
    {
        Assert.True(LogsSectionReader.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }
}
