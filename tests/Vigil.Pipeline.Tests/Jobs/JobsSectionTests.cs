using Vigil.Configuration;
using Vigil.Core.Features;
using Vigil.Models.Store;
using Vigil.Models.Training;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;
using Vigil.Prometheus;

namespace Vigil.Pipeline.Tests.Jobs;

/// <summary>
/// The <c>jobs:</c> section (<see cref="JobsSection"/>): multivariate features, model lifecycles, training incidents and
/// required queries, every error with its path. Read through the dispatcher with the sections it depends on (moved
/// here from the host's ConfigLoaderTests: tests mirror src).
/// </summary>
public sealed class JobsSectionTests
{
    [Fact]
    public void Read_MultivariateJob_ReadsFeaturesAndJoinLabels()
    {
        var yaml = ("""
            model_path: /models
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: checkout
                join_labels: [instance]
                features:
                  - { name: cpu, query: 'rate(cpu[5m])', scaling: standard }
                  - { name: queue, query: 'queue_depth' }
                detector: { type: isolation_forest, model: checkout }
            """);

        var job = Assert.Single(Load(yaml));

        Assert.Equal(["instance"], job.JoinLabels);
        Assert.Equal([new FeatureQuery("cpu", "rate(cpu[5m])", ScalingKind.Standard), new FeatureQuery("queue", "queue_depth")], job.Features);
        Assert.Equal("cpu=rate(cpu[5m]); queue=queue_depth", job.Query);
    }

    [Fact]
    public void Read_InvalidMultivariateJobs_ListEveryErrorWithItsPath()
    {
        var yaml = ("""
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: both
                query: up
                join_labels: [instance]
                features: [{ name: cpu, query: cpu }]
                detector: { type: isolation_forest, model: both }
              - name: nolabels
                features: [{ name: cpu }, { name: cpu, query: x, scaling: log }]
                detector: { type: isolation_forest, model: nolabels }
              - name: univariate
                join_labels: [instance]
                features: [{ name: cpu, query: cpu }]
              - name: neither
            """);

        var (_, errors) = TryLoad(yaml);

        Assert.Contains("jobs[0].features: query and features are mutually exclusive (one query, or several joined into features)", errors);
        Assert.Contains("jobs[1].features[0].query: required", errors);
        Assert.Contains(errors, e => e.StartsWith("jobs[1].features[1].name: duplicate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[1].features[1].scaling:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[1].join_labels: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[2].features: detector ", StringComparison.Ordinal) && e.Contains("scores one value", StringComparison.Ordinal));
        Assert.Contains("jobs[3].query: required", errors);
        Assert.Contains(errors, e => e.StartsWith("model_path: required by isolation_forest job 'both'", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_LifecycleShadowOff_DecidesWithoutShadow()
    {
        var yaml = ForestJob("""
            training: { fit_every: 6h }
            shadow: off
            """);

        var job = Assert.Single(Load(yaml));

        Assert.Equal(TimeSpan.FromHours(6), job.Lifecycle!.FitEvery);
        Assert.Equal(TimeSpan.FromDays(14), job.Lifecycle.FitWindow);
        Assert.Null(job.Lifecycle.Shadow);
    }

    [Fact]
    public void Read_TrainingIncidents_BecomeLabelledWindowsForValidation()
    {
        var yaml = ForestJob("""
            training:
              fit_every: 6h
              incidents:
                - { from: "2026-03-01T10:00:00Z", to: "2026-03-01T11:30:00Z", labels: { instance: a } }
                - { from: "2026-03-02T00:00:00Z", to: "2026-03-02T00:10:00Z" }
            """);

        var job = Assert.Single(Load(yaml));

        Assert.Equal(2, job.Incidents.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), job.Incidents[0].From);
        Assert.Equal("a", job.Incidents[0].Entity.Get("instance"));
        Assert.Empty(job.Incidents[1].Entity);
    }

    [Fact]
    public void Read_InvalidTrainingIncidents_ErrorsHavePaths()
    {
        var yaml = ForestJob("""
            training:
              incidents:
                - { from: yesterday, to: "2026-03-01T11:30:00Z" }
                - { from: "2026-03-02T00:10:00Z", to: "2026-03-02T00:00:00Z" }
                - { to: "2026-03-02T00:00:00Z", colour: red }
            """);

        var (_, errors) = TryLoad(yaml);

        Assert.Contains(errors, e => e.StartsWith("jobs[0].training.incidents[0].from: 'yesterday'", StringComparison.Ordinal));
        Assert.Contains("jobs[0].training.incidents[1].to: must not be before from", errors);
        Assert.Contains("jobs[0].training.incidents[2].from: required", errors);
        Assert.Contains(errors, e => e.StartsWith("jobs[0].training.incidents[2].colour: unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_InvalidLifecycle_ListsEveryErrorWithItsPath()
    {
        var yaml = ("""
            model_path: /models
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: nofeatures
                query: up
                training: { fit_every: 1h, fit_evry: 2h, forest: { contamination: 0.9 } }
                promotion: { max_anomaly_rate: 2 }
              - name: notraining
                join_labels: [instance]
                features: [{ name: cpu, query: cpu }]
                detector: { type: isolation_forest, model: notraining }
                shadow: { duration: 1h }
            """);

        var (_, errors) = TryLoad(yaml);

        Assert.Contains(errors, e => e.StartsWith("jobs[0].training: scheduled retraining needs detector type isolation_forest and features", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[0].training.fit_evry:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[0].training.forest.contamination", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[0].promotion.max_anomaly_rate:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs[1].training: required when promotion or shadow is set", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ForestJobWithoutQueries_IsAcceptedAndTakesThemFromTheModel()
    {
        var yaml = ("""
            model_path: /models
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: checkout
                detector: { type: isolation_forest, model: checkout }
            """);

        var job = Assert.Single(Load(yaml));

        Assert.Null(job.Features);
        Assert.Equal(string.Empty, job.Query);
    }

    [Theory]
    [InlineData("''")]
    [InlineData("'   '")]
    [InlineData("\"\\t\"")]
    public void Read_EmptyOrWhitespaceQuery_ReportsQueryRequired(string query)
    {
        var yaml = ($$"""
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: cpu
                query: {{query}}
            """);

        var (options, errors) = TryLoad(yaml);

        Assert.Null(options);
        Assert.Equal(["jobs[0].query: required"], errors);
    }

    [Fact]
    public void Read_WhitespaceFeatureQuery_ReportsFeatureQueryRequired()
    {
        var yaml = ("""
            model_path: /models
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: checkout
                join_labels: [instance]
                features: [{ name: cpu, query: ' ' }]
                detector: { type: isolation_forest, model: checkout }
            """);

        var (_, errors) = TryLoad(yaml);

        Assert.Contains("jobs[0].features[0].query: required", errors);
    }

    /// <summary>The jobs read from <paramref name="yaml"/>; fails the test on any configuration error.</summary>
    [Fact]
    public void Read_RemoteReadWithFunctions_ListsEveryQueryThatIsNotASelector()
    {
        var yaml = ("""
            model_path: /models
            sources:
              prometheus: { url: 'http://127.0.0.1:9090', protocol: remote_read, lookback_delta: 1m }
            jobs:
              - { name: plain, query: 'scale_value{instance=~"a.*"}' }
              - { name: rate, query: 'rate(http_requests_total[5m])' }
              - name: checkout
                join_labels: [instance]
                features:
                  - { name: cpu, query: 'sum by (instance) (cpu)' }
                  - { name: queue, query: 'queue_depth' }
                detector: { type: isolation_forest, model: checkout }
            """);

        var (jobs, errors) = TryLoad(yaml);

        Assert.Null(jobs);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("jobs: job 'rate' query: sources.prometheus.protocol is remote_read", StringComparison.Ordinal)
            && e.Contains("need protocol: query", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("jobs: job 'checkout' feature 'cpu' query:", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_RemoteReadWithSelectors_IsAccepted()
    {
        var yaml = ("""
            sources:
              prometheus: { url: 'http://127.0.0.1:9090', protocol: remote_read }
            jobs:
              - { name: plain, query: 'scale_value' }
            """);

        var job = Assert.Single(Load(yaml));

        Assert.Equal("scale_value", job.Query);
    }

    private static IReadOnlyList<JobOptions> Load(string yaml)
    {
        var (jobs, errors) = TryLoad(yaml);
        Assert.Empty(errors);
        return jobs!;
    }

    /// <summary>The jobs (null when there is any error, as the loader does) and every error with its path.</summary>
    private static (IReadOnlyList<JobOptions>? Jobs, IReadOnlyList<string> Errors) TryLoad(string yaml)
    {
        var dispatcher = new ConfigDispatcher([new PrometheusSection(), new ReplaySection(), new ModelStoreSection(), new JobsSection()], VigilDetectors.ForValidation());
        var (sections, errors) = dispatcher.ReadYaml(yaml, new Dictionary<string, string?>(StringComparer.Ordinal));
        return (errors.Count == 0 ? sections.Get<JobsOptions>()!.Jobs : null, errors);
    }

    /// <summary>A configuration with one isolation_forest job "checkout" (cpu joined on instance) and <paramref name="jobKeys"/> added to it.</summary>
    private static string ForestJob(string jobKeys)
    {
        var indented = string.Join('\n', jobKeys.Split('\n').Select(line => "    " + line));
        return $$"""
            model_path: /models
            sources:
              prometheus: { url: 'http://127.0.0.1:9090' }
            jobs:
              - name: checkout
                join_labels: [instance]
                features: [{ name: cpu, query: cpu }]
                detector: { type: isolation_forest, model: checkout }
            {{indented}}
            """;
    }
}
