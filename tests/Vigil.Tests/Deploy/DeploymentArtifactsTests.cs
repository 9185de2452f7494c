using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Configuration;
using Vigil.Pipeline.Jobs;
using Vigil.Hosting;
using Vigil.Tests.Hosting;
using YamlDotNet.RepresentationModel;

namespace Vigil.Tests.Deploy;

/// <summary>
/// The deployment artifacts under deploy/ checked by what runs here (no Docker, no cluster): promtool and amtool,
/// Vigil's own config loader, and a real Prometheus scraping a real Vigil for the dashboard's queries.
/// </summary>
public sealed partial class DeploymentArtifactsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AlertRules_PromtoolUnitTests_CoverFiringAndResolutionOfEveryRule()
    {
        var tests = Path.Combine(DeployFilesTests.RepositoryRoot(), "deploy", "prometheus", "vigil-rules.test.yml");

        var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", string.Empty, "test", "rules", tests);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
        // Every rule of the shipped file has at least one firing and one resolving expectation.
        var text = await File.ReadAllTextAsync(tests);
        foreach (var rule in RuleNames())
        {
            Assert.True(Regex.Count(text, $"alertname: {rule}\\s") >= 2, $"{rule} is not tested for both firing and resolution");
        }
    }

    [Fact]
    public async Task ComposePrometheusAndAlertmanagerConfigs_PassPromtoolAndAmtool()
    {
        using var temp = new TempDirectory();
        var compose = Path.Combine(DeployFilesTests.RepositoryRoot(), "deploy", "compose");
        // The compose file mounts the rules at /etc/prometheus; point the copy at the repository's file instead.
        var prometheus = (await File.ReadAllTextAsync(Path.Combine(compose, "prometheus.yml")))
            .Replace("/etc/prometheus/vigil-rules.yml", DeployFilesTests.RulesFile, StringComparison.Ordinal);
        await File.WriteAllTextAsync(temp.File("prometheus.yml"), prometheus);

        var (promExit, promOutput) = await ServerProcess.RunAsync("/usr/bin/promtool", string.Empty, "check", "config", temp.File("prometheus.yml"));
        var (amExit, amOutput) = await ServerProcess.RunAsync("/usr/bin/amtool", string.Empty, "check-config", Path.Combine(compose, "alertmanager.yml"));

        Assert.True(promExit == 0, promOutput);
        Assert.True(amExit == 0, amOutput);
    }

    [Theory]
    [InlineData("compose")]
    [InlineData("kubernetes")]
    public void ShippedVigilConfig_IsValid(string where)
    {
        var yaml = where == "compose"
            ? File.ReadAllText(Path.Combine(DeployFilesTests.RepositoryRoot(), "deploy", "compose", "vigil.yaml"))
            : ConfigMapFile("vigil.yaml");
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("vigil.yaml"), yaml);

        var (options, errors) = new ConfigLoader(VigilDetectors.ForValidation()).TryLoad(temp.File("vigil.yaml"), new Dictionary<string, string?>());

        Assert.True(options is not null, string.Join('\n', errors));
        Assert.Equal("/var/lib/vigil", options.Server.StateDirectory);
        Assert.Equal("0.0.0.0", options.Server.ListenAddress);
        Assert.NotEmpty(options.Jobs);
    }

    /// <summary>
    /// Every panel's expression (and the annotation's) evaluates without error in a real Prometheus that scrapes a
    /// real Vigil running the embedded demo, with the dashboard's variables at their defaults; the panels a user opens
    /// the dashboard for (health, top series, band, score) return data.
    /// </summary>
    [Fact]
    public async Task GrafanaDashboard_EveryExpression_EvaluatesOnRealPrometheusScrapingVigil()
    {
        var vigilPort = ServerProcess.FreePort();
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(null, new Dictionary<string, string?> { ["LISTEN_PORT"] = vigilPort.ToString(CultureInfo.InvariantCulture) });
        await using var vigil = VigilHost.Build(options with { Logging = new LoggingOptions { Level = "Warning" } });
        await vigil.StartAsync();
        await using var prometheus = await PrometheusServer.StartAsync($"""
            - job_name: vigil
              honor_labels: true
              static_configs:
                - targets: ['127.0.0.1:{vigilPort}']
            """, Patience);
        var job = options.Jobs[0].Name;
        await prometheus.WaitUntilAsync(
            async () => (await QueryAsync(prometheus.Api, $"vigil_anomaly_score{{job=\"{job}\"}}")).Results > 0,
            Patience,
            "demo anomaly scores scraped");

        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardFile));
        var variables = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.TryGetProperty("current", out var c) && c.TryGetProperty("value", out _))
            .ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("current").GetProperty("value").GetString()!);
        variables["job"] = job;
        var expressions = Expressions(dashboard.RootElement).ToList();

        Assert.True(expressions.Count >= 10, $"only {expressions.Count} expressions found");
        foreach (var (title, expr) in expressions)
        {
            var query = Substitute(expr, variables);
            var (status, results, error) = await QueryAsync(prometheus.Api, query);
            Assert.True(status == "success", $"panel '{title}': {query}: {error}");
            if (title is "Top 20 series by score now" or "Anomaly score" or "Seconds since last successful cycle" or "Series held")
            {
                Assert.True(results > 0, $"panel '{title}' returned no data: {query}");
            }
        }

        Assert.True((await QueryAsync(prometheus.Api, Substitute("max(vigil_expected_upper{job=\"$job\", $filter})", variables))).Results > 0);
    }

    private static string DashboardFile => Path.Combine(DeployFilesTests.RepositoryRoot(), "deploy", "grafana", "vigil-dashboard.json");

    private static IEnumerable<(string Title, string Expr)> Expressions(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    yield return (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
                }
            }
        }

        foreach (var annotation in dashboard.GetProperty("annotations").GetProperty("list").EnumerateArray())
        {
            yield return (annotation.GetProperty("name").GetString()!, annotation.GetProperty("expr").GetString()!);
        }
    }

    /// <summary>Grafana's <c>$name</c> interpolation, longest names first so <c>$job</c> never eats <c>$jobs</c>.</summary>
    private static string Substitute(string expr, Dictionary<string, string> variables)
    {
        foreach (var (name, value) in variables.OrderByDescending(v => v.Key.Length))
        {
            expr = expr.Replace("$" + name, value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("$", expr.Replace("$labels", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        return expr;
    }

    private static async Task<(string Status, int Results, string? Error)> QueryAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
        using var doc = await response.Content.ReadFromJsonAsync<JsonDocument>() ?? throw new InvalidOperationException("empty response");
        var root = doc.RootElement;
        var status = root.GetProperty("status").GetString()!;
        if (status != "success")
        {
            return (status, 0, root.GetProperty("error").GetString());
        }

        var result = root.GetProperty("data").GetProperty("result");
        return (status, result.ValueKind == JsonValueKind.Array ? result.GetArrayLength() : 1, null);
    }

    private static IEnumerable<string> RuleNames()
        => RuleNameRegex().Matches(File.ReadAllText(DeployFilesTests.RulesFile)).Select(m => m.Groups[1].Value);

    private static string ConfigMapFile(string key)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(DeployFilesTests.RepositoryRoot(), "deploy", "kubernetes", "configmap.yaml"))));
        var data = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["data"];
        return ((YamlScalarNode)data[key]).Value!;
    }

    [GeneratedRegex(@"- alert: (\w+)")]
    private static partial Regex RuleNameRegex();
}
