using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Files;
using Vigil.Models.Store;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>`vigil models` and `vigil train` argument handling, through the real executable.</summary>
public sealed class ModelsCliTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("train", "--help")]
    [InlineData("models", "list", "--help")]
    [InlineData("models", "promote", "--help")]
    [InlineData("models", "rollback", "--help")]
    public async Task Help_ModelCommands_PrintUsage(params string[] args)
    {
        var (exit, stdout, _) = await VigilProcess.RunAsync(null, args);

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsList_EmptyDirectory_SaysSo()
    {
        var (exit, stdout, _) = await VigilProcess.RunAsync(Env(), "models", "list");

        Assert.Equal(0, exit);
        Assert.Contains("No models", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsPromoteAndRollback_SwitchActiveVersion()
    {
        var store = Store();
        var v1 = Write(store, T0, seed: 1);
        var v2 = Write(store, T0.AddDays(1), seed: 2);

        var (promoteExit, promoteOut, _) = await VigilProcess.RunAsync(Env(), "models", "promote", "checkout");
        var (rollbackExit, rollbackOut, _) = await VigilProcess.RunAsync(Env(), "models", "rollback", "checkout");
        var (listExit, listOut, _) = await VigilProcess.RunAsync(Env(), "models", "list", "checkout");

        Assert.Equal(0, promoteExit);
        Assert.Contains($"{v2} is now active", promoteOut, StringComparison.Ordinal);
        Assert.Equal(0, rollbackExit);
        Assert.Contains($"rolled back to {v1}", rollbackOut, StringComparison.Ordinal);
        Assert.Equal(0, listExit);
        Assert.Contains("history", listOut, StringComparison.Ordinal);
        Assert.Equal(v1, store.LoadActive("checkout").Header.Version);
    }

    [Fact]
    public async Task ModelsPromote_CorruptCandidate_FailsAndKeepsActive()
    {
        var store = Store();
        var v1 = Write(store, T0, seed: 1);
        await File.WriteAllTextAsync(store.CandidatePath("checkout"), "VIGILMDL");

        var (exit, _, stderr) = await VigilProcess.RunAsync(Env(), "models", "promote", "checkout");

        Assert.Equal(1, exit);
        Assert.Contains("candidate.vmodel': truncated", stderr, StringComparison.Ordinal);
        Assert.Equal(v1, store.LoadActive("checkout").Header.Version);
    }

    [Fact]
    public async Task Models_NoModelPath_ExitsTwo()
    {
        var (exit, _, stderr) = await VigilProcess.RunAsync(null, "models", "list");

        Assert.Equal(2, exit);
        Assert.Contains("MODEL_PATH", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_MissingInputs_ListsEveryProblem()
    {
        var (exit, _, stderr) = await VigilProcess.RunAsync(Env(), "train", "--job", "checkout", "--feature", "cpu", "--forest", "contamination=0.9");

        Assert.Equal(2, exit);
        Assert.Contains("--feature: 'cpu' must look like name=PromQL", stderr, StringComparison.Ordinal);
        Assert.Contains("--join-label", stderr, StringComparison.Ordinal);
        Assert.Contains("--forest contamination", stderr, StringComparison.Ordinal);
        Assert.Contains("prometheus:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ForestJobWithoutActiveModel_FailsFastWithExitTwoNamingTheFile()
    {
        var config = WriteForestConfig();

        var (exit, _, stderr) = await VigilProcess.RunAsync(Env(), "run", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(_temp.Path, "checkout", "active.vmodel"), stderr, StringComparison.Ordinal);
        Assert.Contains("missing", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_ForestJobWithoutActiveModel_ExitsTwoNamingTheFileLikeRun()
    {
        var config = WriteForestConfig();

        var (exit, _, stderr) = await VigilProcess.RunAsync(Env(), "config", "check", "--offline", config);

        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(_temp.Path, "checkout", "active.vmodel"), stderr, StringComparison.Ordinal);
        Assert.Contains("missing", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ForestJobWithCorruptActiveModel_FailsFastWithExitTwoNamingTheFile()
    {
        var store = Store();
        Write(store, T0, seed: 1);
        var active = store.ActivePath("checkout");
        var bytes = await File.ReadAllBytesAsync(active);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(active, bytes);
        var config = WriteForestConfig();

        var (exit, _, stderr) = await VigilProcess.RunAsync(Env(), "run", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains($"Model file '{active}': corrupt", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ForestJobFeaturesDifferFromModel_FailsFastWithExitTwo()
    {
        Write(Store(), T0, seed: 1); // features cpu, latency
        var config = ForestConfig.Replace("name: latency, query: latency", "name: queue, query: queue", StringComparison.Ordinal);
        var path = Path.Combine(_temp.Path, "other.yaml");
        await File.WriteAllTextAsync(path, config);

        var (exit, _, stderr) = await VigilProcess.RunAsync(Env(), "run", "--config", path);

        Assert.Equal(2, exit);
        Assert.Contains("features [cpu, queue] differ from model 'checkout' features [cpu, latency]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_ForestJobWithFeatures_IsAccepted()
    {
        // config check loads the model as run does (issue #11, item 3), so the job needs its active model.
        Write(Store(), T0, seed: 1); // features cpu, latency
        var config = WriteForestConfig();

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(Env(), "config", "check", "--offline", config);

        Assert.True(exit == 0, stderr);
        Assert.Contains("detector isolation_forest", stdout, StringComparison.Ordinal);
    }

    private string WriteForestConfig()
    {
        var path = Path.Combine(_temp.Path, "forest.yaml");
        File.WriteAllText(path, ForestConfig);
        return path;
    }

    private const string ForestConfig = """
            server: { listen_address: 127.0.0.1, port: 0 }
            sources:
              prometheus: { url: 'http://127.0.0.1:9' }
            jobs:
              - name: checkout
                join_labels: [instance]
                features:
                  - { name: cpu, query: cpu }
                  - { name: latency, query: latency }
                detector: { type: isolation_forest, model: checkout }
            """;

    private Dictionary<string, string> Env() => new() { ["MODEL_PATH"] = _temp.Path };

    private ModelStore Store() => new(new ModelStoreOptions { Directory = _temp.Path });

    /// <summary>Writes a candidate and, if there is no active model yet, promotes it; returns its version.</summary>
    private static string Write(ModelStore store, DateTimeOffset createdAt, ulong seed)
    {
        var random = new Random((int)seed);
        var x = new FeatureMatrix(300, 2);
        for (var r = 0; r < x.Rows; r++)
        {
            x.MutableRow(r)[0] = random.NextDouble();
            x.MutableRow(r)[1] = random.NextDouble();
        }

        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { Estimators = 10, RandomState = seed });
        var file = ModelFileFormat.Create(
            new ModelDescription { Name = "checkout", CreatedAt = createdAt },
            new AnomalyModel("draft", ["cpu", "latency"], FeatureScaler.Identity(2), forest));
        store.WriteCandidate(file);
        if (!store.HasActive("checkout"))
        {
            store.Promote("checkout");
        }

        return file.Header.Version;
    }
}
