using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;
using Vigil.Models.Files;
using Vigil.Models.Store;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Replay;

namespace Vigil.Web.Tests.Support;

/// <summary>
/// A temporary model store with trained one-feature Isolation Forests for a replay job scoring the demo's queue depth,
/// built as <c>vigil train</c> writes them (candidate, then promotion), so the Models page and the promote/rollback
/// endpoints act on real files.
/// </summary>
public sealed class ForestModels : IDisposable
{
    public const string Job = "queue-forest";

    public const string Model = "queue-model";

    /// <summary>Creation times of the first and second versions (the second is newer).</summary>
    public static readonly DateTimeOffset First = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Second = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new("vigil-web-models-");

    public ForestModels()
    {
        Store = new ModelStore(new ModelStoreOptions { Directory = Path });
    }

    public string Path => _temp.File("models");

    public ModelStore Store { get; }

    /// <summary>The demo's jobs plus <see cref="Job"/>, an isolation_forest job over <see cref="Model"/>.</summary>
    public static IReadOnlyList<JobOptions> Jobs()
        => [.. ReplayDefaults.Jobs(TimeSpan.FromMinutes(1)), new JobOptions
        {
            Name = Job,
            Query = "replay_queue_depth",
            Source = JobSource.Replay,
            Interval = TimeSpan.FromMinutes(1),
            Detector = new DetectorSpec("isolation_forest", new Dictionary<string, string>(StringComparer.Ordinal) { ["model"] = Model }),
        }];

    /// <summary>Writes a model created at <paramref name="createdAt"/> as the candidate; returns its version.</summary>
    public string WriteCandidate(DateTimeOffset createdAt, int seed)
    {
        var random = new Random(seed);
        var x = new FeatureMatrix(256, 1);
        for (var r = 0; r < x.Rows; r++)
        {
            x.MutableRow(r)[0] = random.NextDouble() * 50;
        }

        var forest = IsolationForestModel.Fit(x, new IsolationForestOptions { Estimators = 10, RandomState = (ulong)seed });
        var file = ModelFileFormat.Create(
            new ModelDescription
            {
                Name = Model,
                CreatedAt = createdAt,
                Training = new TrainingInfo { Rows = x.Rows },
                Validation = new Dictionary<string, double>(StringComparer.Ordinal) { ["anomaly_rate"] = 0.25, ["f1"] = 0.75 },
            },
            new AnomalyModel("draft", ["queue_depth"], FeatureScaler.Identity(1), forest));
        Store.WriteCandidate(file);
        return file.Header.Version;
    }

    /// <summary>The first version active, the second one waiting as candidate; returns both versions.</summary>
    public (string Active, string Candidate) ActiveAndCandidate()
    {
        var first = WriteCandidate(First, 1);
        Store.Promote(Model);
        return (first, WriteCandidate(Second, 2));
    }

    public void Dispose() => _temp.Dispose();
}
