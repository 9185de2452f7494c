using Vigil.Pipeline.Jobs;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_NothingConfigured_RunsEmbeddedReplayDefault()
    {
        var options = CreateSut().Load(null, Env());

        Assert.Null(options.Prometheus);
        Assert.NotEmpty(options.Jobs);
        Assert.All(options.Jobs, j => Assert.Equal(JobSource.Replay, j.Source));
        Assert.Equal(8000, options.Server.Port);
    }

    [Fact]
    public void Load_ReferenceEnvironmentVariablesAlone_DefineOneQueryDeployment()
    {
        var options = CreateSut().Load(null, Env(
            ("PROMETHEUS_URL", "http://prom:9090"),
            ("PROMQL_QUERY", "sum(rate(x[5m])) by (instance)"),
            ("LISTEN_PORT", "9100"),
            ("SCRAPE_INTERVAL", "15"),
            ("MODEL_PATH", "/models")));

        var job = Assert.Single(options.Jobs);
        Assert.Equal(("default", "sum(rate(x[5m])) by (instance)", TimeSpan.FromSeconds(15)), (job.Name, job.Query, job.Interval));
        Assert.Equal(JobSource.Prometheus, job.Source);
        Assert.Equal(new Uri("http://prom:9090"), options.Prometheus!.BaseUrl);
        Assert.Equal(9100, options.Server.Port);
        Assert.Equal("/models", options.ModelPath);
    }

    [Fact]
    public void Load_QueryWithoutUrl_UsesDefaultPrometheusUrl()
    {
        var options = CreateSut().Load(null, Env(("PROMQL_QUERY", "up")));

        Assert.Equal(new Uri("http://localhost:9090"), options.Prometheus!.BaseUrl);
    }

    [Fact]
    public void Load_FullFile_ReadsEveryField()
    {
        var path = Write("""
            server: { listen_address: 127.0.0.1, port: 9000, series_staleness: 15m, shutdown_grace: 3s, state_dir: /var/lib/vigil, snapshot_interval: 1m }
            logging: { format: json, level: debug }
            sources:
              prometheus: { url: "http://p:9090/prometheus", timeout: 5s, max_retries: 1, username: u, password: p }
            jobs:
              - name: latency
                query: histogram_quantile(0.99, rate(h[5m]))
                interval: 30s
                step: 15s
                delay: 30s
                labels: [instance]
                detector: { type: rolling_sigma, window: 60, k: 2.5 }
            """);

        var options = CreateSut().Load(path, Env(("SCRAPE_INTERVAL", "5")));

        var job = Assert.Single(options.Jobs);
        Assert.Equal(TimeSpan.FromSeconds(30), job.Interval); // the file wins over the environment default
        Assert.Equal(TimeSpan.FromSeconds(15), job.EffectiveStep);
        Assert.Equal(TimeSpan.FromSeconds(30), job.Delay);
        Assert.Equal(["instance"], job.Labels!);
        Assert.Equal("60", job.Detector.Parameters["window"]);
        Assert.Equal(("127.0.0.1", 9000, TimeSpan.FromMinutes(15)), (options.Server.ListenAddress, options.Server.Port, options.Server.SeriesStaleness));
        Assert.Equal(("json", "debug"), (options.Logging.Format, options.Logging.Level));
        Assert.Equal(("/var/lib/vigil", TimeSpan.FromMinutes(1)), (options.Server.StateDirectory, options.Server.SnapshotInterval));
        Assert.Equal(("u", 1), (options.Prometheus!.Username, options.Prometheus.MaxRetries));
        Assert.Equal(path, options.Origin);
    }

    [Fact]
    public void TryLoad_InvalidFile_ListsEveryErrorWithItsPath()
    {
        var path = Write("""
            server: { port: 70000 }
            sources:
              prometheus: { url: "ftp://x", timeout: 30 }
            jobs:
              - name: ok
                query: up
              - name: ok
                query: up
                interval: 10q
              - name: no-query
              - name: bad detector
                query: up
                detector: { type: rolling_sigma, window: 1, wnidow: 3 }
              - name: unknown
                query: up
                detector: { type: prophet }
                colour: blue
            """);

        var (options, errors) = CreateSut().TryLoad(path, Env());

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith("server.port:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.url:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sources.prometheus.timeout:", StringComparison.Ordinal) && e.Contains("unit", StringComparison.Ordinal));
        Assert.Contains("jobs[1].name: duplicate job name 'ok'", errors);
        Assert.Contains(errors, e => e.StartsWith("jobs[1].interval:", StringComparison.Ordinal));
        Assert.Contains("jobs[2].query: required", errors);
        Assert.Contains(errors, e => e.StartsWith("jobs[3].name:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[3].detector.window:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[3].detector.wnidow: unknown parameter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[4].detector.type: unknown detector 'prophet'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[4].colour: unknown key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("LISTEN_PORT", "eighty")]
    [InlineData("SCRAPE_INTERVAL", "1m")]
    [InlineData("PROMETHEUS_URL", "not a url")]
    public void TryLoad_InvalidEnvironment_NamesTheVariable(string name, string value)
    {
        var (_, errors) = CreateSut().TryLoad(null, Env((name, value), ("PROMQL_QUERY", "up")));

        Assert.Contains(errors, e => e.StartsWith(name + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void TryLoad_MalformedYaml_ReportsLineAndColumn()
    {
        var path = Write("jobs:\n  - name: a\n    query: [unclosed\n");

        var (_, errors) = CreateSut().TryLoad(path, Env());

        Assert.Contains(errors, e => e.Contains("line", StringComparison.Ordinal));
    }

    [Fact]
    public void TryLoad_MissingFile_SaysSo()
    {
        var (_, errors) = CreateSut().TryLoad(_temp.File("nope.yaml"), Env());

        Assert.Contains(errors, e => e.EndsWith("file not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_Invalid_ThrowsConfigExceptionWithAllErrors()
    {
        var path = Write("jobs:\n  - name: a\n");

        var ex = Assert.Throws<ConfigException>(() => CreateSut().Load(path, Env()));

        Assert.Contains("jobs[0].query: required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BusinessSection_MapsToPipelineOptionsAndSkipsTheReplayDemo()
    {
        var path = Write("""
            business:
              database: "Host=127.0.0.1;Port=5432;Username=vigil;Database=vigil"
              ingest: { bearer_token: s3cret, max_body_bytes: 1048576 }
              aggregation: { interval: 30s, allowed_lateness: 2h, event_types: [signup, order], sum_fields: { order: amount } }
              detector: { type: rolling_sigma, window: 60 }
            """);

        var options = CreateSut().Load(path, Env());

        var business = options.Business!;
        Assert.Empty(options.Jobs);
        Assert.Equal("s3cret", business.Pipeline.Ingest.BearerToken);
        Assert.Equal(TimeSpan.FromSeconds(30), business.Pipeline.Aggregation.Interval);
        Assert.Equal(["signup", "order"], business.Pipeline.Aggregation.EventTypes!);
        Assert.Equal("amount", business.Pipeline.Aggregation.SumFields["order"]);
        Assert.Equal("60", business.Pipeline.Detector.Parameters["window"]);
    }

    [Fact]
    public void Load_EmptyFile_SaysTheEmbeddedDemoRunsAndWhy()
    {
        var path = Write(string.Empty);

        var options = CreateSut().Load(path, Env());

        Assert.True(options.IsEmbeddedDemo);
        Assert.Contains("embedded demo", options.Origin, StringComparison.Ordinal);
        Assert.Contains(path, options.Origin, StringComparison.Ordinal);
        Assert.StartsWith("the embedded demo: 3 replay job(s)", Assert.Single(options.DescribeWhatRuns()), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EnvironmentOnly_OriginNamesTheVariablesNotAFile()
    {
        var options = CreateSut().Load(null, Env(("PROMETHEUS_URL", "http://prom:9090"), ("PROMQL_QUERY", "up")));

        Assert.False(options.IsEmbeddedDemo);
        Assert.Equal("environment (PROMETHEUS_URL, PROMQL_QUERY)", options.Origin);
        Assert.Equal(["1 detection job(s) (1 prometheus) against Prometheus at http://prom:9090/"], options.DescribeWhatRuns());
    }

    [Fact]
    public void Load_DatabaseVariableAlone_DescribesTheBusinessPipeline()
    {
        var options = CreateSut().Load(null, Env(("VIGIL_DATABASE", "Host=db.example;Database=shop;Username=u;Password=secret")));

        Assert.Equal("environment (VIGIL_DATABASE)", options.Origin);
        var lines = options.DescribeWhatRuns();
        Assert.Equal("0 detection job(s)", lines[0]);
        Assert.StartsWith("the business-metrics pipeline on PostgreSQL db.example/shop", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SectionsWithoutValues_UseTheOwningOptionsDefaults()
    {
        var path = Write("""
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
              replay: { }
            jobs:
              - name: cpu
                query: up
            """);

        var options = CreateSut().Load(path, Env());

        var client = new Vigil.Prometheus.PrometheusClientOptions();
        Assert.Equal((client.Timeout, client.MaxRetries, client.RetryBaseDelay), (options.Prometheus!.Timeout, options.Prometheus.MaxRetries, options.Prometheus.RetryBaseDelay));
        Assert.Equal((new Vigil.Pipeline.Replay.ReplayOptions().Speed, new Vigil.Pipeline.Replay.ReplayOptions().Seed), (options.Replay.Speed, options.Replay.Seed));
        Assert.Equal(JobOptions.DefaultInterval, Assert.Single(options.Jobs).Interval);
    }

    [Fact]
    public void Load_NothingConfigured_DemoJobsNotifyToTheLog()
    {
        var options = CreateSut().Load(null, Env());

        Assert.True(options.Alerting!.Log);
        Assert.Equal(options.Jobs.Select(j => j.Name).Order(StringComparer.Ordinal), options.Alerting.NotifyJobs.Order(StringComparer.Ordinal));
        Assert.Contains("alerting to the log", Assert.Single(options.DescribeWhatRuns()), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AlertingAndNotifyingJob_NotifyJobsHoldsOnlyThatJob()
    {
        var path = Write("""
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - { name: cpu, query: up, notify: true }
              - { name: quiet, query: up }
            alerting:
              alertmanagers: [ { url: 'http://127.0.0.1:9093' } ]
            redis: { url: '127.0.0.1:6379' }
            """);

        var options = CreateSut().Load(path, Env());

        Assert.Equal(["cpu"], options.Alerting!.NotifyJobs);
        Assert.Equal("127.0.0.1:6379", options.Alerting.RedisUrl);
        Assert.False(options.Alerting.Log);
        Assert.Equal("alerting to Alertmanager 127.0.0.1:9093, dedup in Redis, 1 job(s) with notify", options.DescribeWhatRuns()[1]);
    }

    [Fact]
    public void TryLoad_NotifyWithoutAlerting_NamesTheJob()
    {
        var path = Write("""
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - { name: cpu, query: up }
              - { name: mem, query: up, notify: true }
            """);

        var (_, errors) = CreateSut().TryLoad(path, Env());

        Assert.Equal(["jobs[1].notify: needs an alerting section (where should the alerts go?)"], errors);
    }

    [Fact]
    public void TryLoad_UnknownRootKey_ListsTheSectionsThatExist()
    {
        var (_, errors) = CreateSut().TryLoad(Write("alertng: { }\nsources: { prometeus: { } }\n"), Env());

        Assert.Contains("alertng: unknown key (expected one of: server, logging, sources, model_path, jobs, business, alerting, redis, inspection, logs, sharding, remote_write, history, episodes)", errors);
        Assert.Contains("sources.prometeus: unknown key (expected one of: prometheus, replay)", errors);
    }

    private static ConfigLoader CreateSut() => new(VigilDetectors.ForValidation());

    private static Dictionary<string, string?> Env(params (string Name, string Value)[] values)
        => values.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal);

    private string Write(string yaml)
    {
        var path = _temp.File($"vigil-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
