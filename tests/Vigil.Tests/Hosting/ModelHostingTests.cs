using Vigil.Pipeline.Jobs;
using System.Diagnostics;
using Vigil.Configuration;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Hosting;
using Vigil.Models.Files;
using Vigil.Models.Store;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>The real host with an isolation_forest job and a lifecycle: models load at start, the lifecycle loop runs and exports.</summary>
public sealed class ModelHostingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Start_ForestJobWithLifecycle_LoadsModelAndRunsLifecycleLoop()
    {
        WriteActive(createdAt: DateTimeOffset.UnixEpoch); // old: training is due at once, and fails (no Prometheus there)
        var path = _temp.File("vigil.yaml");
        await File.WriteAllTextAsync(path, $"""
            model_path: {_temp.File("models")}
            server: {"{"} listen_address: 127.0.0.1, port: 0, shutdown_grace: 1s {"}"}
            logging: {"{"} level: critical {"}"}
            sources:
              prometheus: {"{"} url: 'http://127.0.0.1:{ServerProcess.FreePort()}', timeout: 1s, max_retries: 0 {"}"}
            jobs:
              - name: svc
                interval: 1h
                join_labels: [instance]
                features:
                  - {"{"} name: cpu, query: cpu {"}"}
                  - {"{"} name: latency, query: latency {"}"}
                detector: {"{"} type: isolation_forest, model: svc {"}"}
                training: {"{"} fit_every: 1h, fit_window: 1d {"}"}
            """);
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(path, new Dictionary<string, string?>());
        await using var host = VigilHost.Build(options);
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        var text = string.Empty;
        var deadline = Stopwatch.StartNew();
        while (!text.Contains("vigil_model_training_failures_total{job=\"svc\"} 1", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            text = await http.GetStringAsync("/metrics");
        }

        Assert.Contains("vigil_model_training_failures_total{job=\"svc\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vigil_model_age_seconds{job=\"svc\"}", text, StringComparison.Ordinal);
        Assert.Contains("vigil_model_shadowing{job=\"svc\"} 0", text, StringComparison.Ordinal);
        // Scoring also ran, and failed the same way (the series exists at 0 from the start, so check it counted).
        Assert.Contains(text.Split('\n'), l => l.StartsWith("vigil_errors_total{error_type=\"prometheus_query\",job=\"svc\"} ", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
        await host.StopAsync();
    }

    private void WriteActive(DateTimeOffset createdAt)
    {
        var store = new ModelStore(new ModelStoreOptions { Directory = _temp.File("models") });
        var random = new Random(3);
        var x = new FeatureMatrix(300, 2);
        for (var r = 0; r < x.Rows; r++)
        {
            x.MutableRow(r)[0] = random.NextDouble();
            x.MutableRow(r)[1] = random.NextDouble();
        }

        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { Estimators = 10, RandomState = 1 });
        store.WriteCandidate(ModelFileFormat.Create(
            new ModelDescription { Name = "svc", CreatedAt = createdAt },
            new AnomalyModel("draft", ["cpu", "latency"], FeatureScaler.Identity(2), forest)));
        store.Promote("svc");
    }
}
