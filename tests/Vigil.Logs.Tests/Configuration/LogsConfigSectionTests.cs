using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;

namespace Vigil.Logs.Tests.Configuration;

public sealed class LogsConfigSectionTests
{
    private static (LogsOptions? Options, IReadOnlyList<string> Errors) Read(string yaml)
    {
        var (sections, errors) = new ConfigDispatcher([new LogsConfigSection()], DetectorRegistry.CreateDefault()).ReadYaml(yaml);
        return (sections.Get<LogsOptions>(), errors);
    }

    [Fact]
    public void Read_FullSection_ReadsEveryKey()
    {
        var (options, errors) = Read("""
            logs:
              state_dir: /var/lib/vigil/logs
              interval: 30s
              top_templates: 5
              history_intervals: 100
              checkpoint_interval: 2s
              detector: { type: rolling_sigma, window: 30 }
              miner: { similarity_threshold: 0.8, max_templates: 500, max_line_length: 4096, max_tokens: 64 }
              sources:
                - { name: app, type: file, include: [/var/log/app/*.log], format: json, poll_interval: 500ms }
                - { name: syslog, type: syslog, udp_port: 1514, tcp_port: null }
                - { name: loki, type: loki, url: 'http://loki:3100', query: '{app="x"}', tenant: team-a, delay: 5s }
                - { name: pods, type: kubernetes, namespace: shop, label_selector: 'app=checkout', tail_lines: 50, poll_interval: 15s, kubeconfig: /etc/vigil/kubeconfig }
            """);

        Assert.Empty(errors);
        Assert.Equal(("/var/lib/vigil/logs", TimeSpan.FromSeconds(30), 5, 100, TimeSpan.FromSeconds(2)), (options!.StateDirectory, options.Interval, options.TopTemplates, options.HistoryIntervals, options.CheckpointInterval));
        Assert.Equal("rolling_sigma", options.Detector.Type);
        Assert.Equal((0.8, 500, 4096, 64), (options.Miner.SimilarityThreshold, options.Miner.MaxTemplates, options.Miner.MaxLineLength, options.Miner.MaxTokens));
        Assert.Equal(["file", "syslog", "loki", "kubernetes"], options.Sources.Select(s => s.Kind));
        var pods = options.Sources[3].Kubernetes!;
        Assert.Equal(("shop", "app=checkout", 50, TimeSpan.FromSeconds(15), "/etc/vigil/kubeconfig", false), (pods.Namespace, pods.LabelSelector, pods.TailLines, pods.PollInterval, pods.Kubeconfig, pods.InCluster));
        Assert.Equal(LogFormat.Json, options.Sources[0].Format);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Sources[0].File!.PollInterval);
        Assert.Equal((LogFormat.Syslog, 1514, (int?)null), (options.Sources[1].Format, options.Sources[1].Syslog!.UdpPort, options.Sources[1].Syslog!.TcpPort));
        Assert.Equal(("team-a", TimeSpan.FromSeconds(5)), (options.Sources[2].Loki!.Tenant, options.Sources[2].Loki!.Delay));
    }

    [Fact]
    public void Read_EmptySection_DefaultsOfTheOptionsClass()
    {
        var (options, errors) = Read("logs: { sources: [ { name: a, type: file, include: [/tmp/a.log] } ] }");

        var defaults = new LogsOptions();
        Assert.Empty(errors);
        Assert.Equal((defaults.Interval, defaults.TopTemplates, defaults.HistoryIntervals, defaults.CheckpointInterval, defaults.Detector.Type, defaults.Miner), (options!.Interval, options.TopTemplates, options.HistoryIntervals, options.CheckpointInterval, options.Detector.Type, options.Miner));
        Assert.Null(options.StateDirectory);
    }

    [Fact]
    public void Read_Absent_NothingConfigured()
        => Assert.Null(Read("server: { port: 1 }").Options);

    [Fact]
    public void Read_Errors_EveryOneWithItsPath()
    {
        var (_, errors) = Read("""
            logs:
              interval: 0s
              top_templates: 0
              colour: blue
              miner: { similarity_threshold: 2 }
              sources:
                - { name: a, type: file, include: [relative/*.log] }
                - { name: a, type: file, include: [/tmp/a.log], format: xml }
                - { type: tape }
                - { name: k, type: kubernetes, namespace: shop, kubeconfig: /k/config, in_cluster: true, tail_lines: 0 }
                - { name: l, type: loki, url: 'not a url', query: '{a="b"}', limit: x }
            """);

        Assert.Contains(errors, e => e.StartsWith("logs.interval:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.top_templates:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.colour: unknown key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.miner.similarity_threshold:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[0].include[0]:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[1].name: 'a' is used by another source", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[1].format: unknown 'xml'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[2].name: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[2].type: unknown 'tape'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[3].in_cluster: cannot be combined with kubeconfig", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[3].tail_lines:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[4].url:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("logs.sources[4].limit:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OptionsBuiltInCode_SameRulesAsTheFile()
    {
        var options = new LogsOptions { TopTemplates = 0, Sources = [new LogSourceOptions { Name = "" }] };

        var errors = options.Validate();

        Assert.Contains("top_templates: must be between 1 and 1000", errors);
        Assert.Contains("sources[0].name: required", errors);
        Assert.Contains("sources[0].type: exactly one of file, syslog, loki, kubernetes", errors);
    }
}
