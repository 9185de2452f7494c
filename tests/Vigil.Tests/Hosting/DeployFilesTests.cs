using Vigil.Pipeline.Jobs;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>The files we ship for users are checked by the real consumers.</summary>
public sealed class DeployFilesTests
{
    /// <summary>The shipped alert rules (also loaded into the real Prometheus of the end-to-end test).</summary>
    internal static string RulesFile => Path.Combine(RepositoryRoot(), "deploy", "prometheus", "vigil-rules.yml");

    [Fact]
    public async Task AlertRules_PassPromtoolCheckRules()
    {
        var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", string.Empty, "check", "rules", RulesFile);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 5 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleConfig_IsValid()
    {
        var path = Path.Combine(RepositoryRoot(), "examples", "vigil.yaml");

        var options = new ConfigLoader(DetectorRegistry.CreateDefault()).Load(path, new Dictionary<string, string?>());

        Assert.Equal(["node-cpu", "api-latency"], options.Jobs.Select(j => j.Name));
    }

    [Fact]
    public void MultivariateExampleConfig_IsValid()
    {
        var path = Path.Combine(RepositoryRoot(), "examples", "multivariate.yaml");

        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(path, new Dictionary<string, string?>());

        var job = Assert.Single(options.Jobs);
        Assert.Equal(["cpu", "latency_p99", "queue"], job.Features!.Select(f => f.Name));
        Assert.Equal(["instance"], job.JoinLabels);
        Assert.Equal("/var/lib/vigil/models", options.ModelPath);
        Assert.Equal(TimeSpan.FromHours(24), job.Lifecycle!.FitEvery);
        Assert.Equal(TimeSpan.FromDays(14), job.Lifecycle.FitWindow);
        Assert.Equal(TimeSpan.FromHours(24), job.Lifecycle.Shadow!.Duration);
        Assert.Equal(0.03, job.Lifecycle.Promotion.MaxAnomalyRate);
        Assert.Equal(1000, job.Lifecycle.Promotion.MinRows);
        Assert.Equal(0.01, job.Forest.Contamination);
        Assert.Equal(1UL, job.Forest.RandomState);
    }

    [Fact]
    public async Task MultivariateExampleConfig_ConfigCheckReportsTheMissingModelLikeRun()
    {
        // The example's model must be trained before `run` (its own header says so): config check now says what run would.
        var path = Path.Combine(RepositoryRoot(), "examples", "multivariate.yaml");

        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "config", "check", "--offline", path);

        Assert.True(exit == 2, stderr);
        Assert.Contains("jobs 'checkout'", stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("/var/lib/vigil/models", "checkout", "active.vmodel"), stderr, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
