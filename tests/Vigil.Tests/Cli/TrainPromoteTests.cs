using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Vigil.Models.Store;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>
/// `vigil train --promote` (the real executable) decides with the job's configured <c>promotion:</c> thresholds, as the
/// service's lifecycle does, not with the defaults. Prometheus is a small in-process fake serving query_range.
/// </summary>
public sealed class TrainPromoteTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset From = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private WebApplication? _prometheus;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _prometheus = builder.Build();
        _prometheus.Map("/api/v1/query_range", QueryRange);
        await _prometheus.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_PromoteWithConfiguredPromotionPolicy_UsesTheJobsThresholds()
    {
        // contamination 0.3 flags ~30% of held-out rows: the default policy (max_anomaly_rate 0.05) rejects the candidate,
        // this job's policy (max_anomaly_rate 1, min_rows 0) accepts it.
        var config = await WriteConfigAsync("promotion: { max_anomaly_rate: 1, min_rows: 0 }");

        var (exit, stdout, stderr) = await Train(config);

        Assert.True(exit == 0, stdout + stderr);
        Assert.True(Store().HasActive("checkout"), stdout);
        Assert.False(Store().HasCandidate("checkout"));
    }

    [Fact]
    public async Task Train_PromoteWithoutPromotionSection_KeepsTheDefaultPolicy()
    {
        var config = await WriteConfigAsync(string.Empty);

        var (exit, stdout, stderr) = await Train(config);

        Assert.True(exit == 0, stdout + stderr);
        Assert.False(Store().HasActive("checkout"), stdout);
        Assert.True(Store().HasCandidate("checkout"));
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Train(string config) => VigilProcess.RunAsync(
        new Dictionary<string, string> { ["MODEL_PATH"] = _temp.File("models") },
        "train", "--config", config, "--job", "checkout", "--from", From.ToString("O", CultureInfo.InvariantCulture),
        "--to", From.AddHours(10).ToString("O", CultureInfo.InvariantCulture), "--forest", "contamination=0.3", "--forest", "random_state=1", "--promote");

    private ModelStore Store() => new(new ModelStoreOptions { Directory = _temp.File("models") });

    private async Task<string> WriteConfigAsync(string promotion)
    {
        var path = _temp.File("vigil.yaml");
        await File.WriteAllTextAsync(path, $"""
            sources:
              prometheus: {"{"} url: '{_prometheus!.Urls.First()}', max_retries: 0 {"}"}
            jobs:
              - name: checkout
                join_labels: [instance]
                features:
                  - {"{"} name: cpu, query: cpu {"}"}
                  - {"{"} name: latency, query: latency {"}"}
                detector: {"{"} type: isolation_forest, model: checkout {"}"}
                training: {"{"} fit_every: 1d, fit_window: 1d {"}"}
                {promotion}
            """);
        return path;
    }

    /// <summary>A matrix of three instances, a deterministic function of (query, instance, time) at the asked step.</summary>
    private static async Task QueryRange(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        string Param(string name) => (form?[name].ToString() is { Length: > 0 } v ? v : context.Request.Query[name].ToString());
        var query = Param("query");
        var start = double.Parse(Param("start"), CultureInfo.InvariantCulture);
        var end = double.Parse(Param("end"), CultureInfo.InvariantCulture);
        var step = double.Parse(Param("step"), CultureInfo.InvariantCulture);
        var json = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[""");
        foreach (var (instance, i) in new[] { ("a", 0), ("b", 1), ("c", 2) })
        {
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{"metric":{"__name__":"{{query}}","instance":"{{instance}}"},"values":[""");
            var first = true;
            for (var t = start; t <= end; t += step)
            {
                var x = Math.Sin((t / 3600) + i) + (0.1 * Math.Sin(t * 7.1 + (query.Length * 13)));
                json.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture, $"[{t},\"{(query == "cpu" ? 0.5 + (0.4 * x) : 2 + x)}\"]");
                first = false;
            }

            json.Append("]}");
        }

        json.Append("]}}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json.ToString());
    }
}
