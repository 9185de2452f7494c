using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>The files we ship for users are checked by the real consumers.</summary>
public sealed class DeployFilesTests
{
    [Fact]
    public async Task AlertRules_PassPromtoolCheckRules()
    {
        var rules = Path.Combine(RepositoryRoot(), "deploy", "prometheus", "vigil-rules.yml");

        var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", string.Empty, "check", "rules", rules);

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
