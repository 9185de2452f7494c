using Vigil.Core.Detection;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Store;
using Vigil.Models.Training;

namespace Vigil.Models.Serving;

/// <summary>
/// What serving a model asks of a job, decided from the model file: which queries feed it and whether the job's
/// features fit it. The service and <c>vigil backtest</c> both go through here, so they read exactly what training wrote.
/// </summary>
public static class ModelServing
{
    /// <summary>
    /// The feature queries and join labels the active model <paramref name="name"/> was trained on, from its file header,
    /// for a job that lists none itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file lists no query for some feature, or no join labels.</exception>
    public static (IReadOnlyList<FeatureQuery> Features, IReadOnlyList<string> JoinLabels) QueriesOf(ModelStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var header = store.LoadActive(name).Header;
        if (header.Features.Any(f => f.Query.Length == 0) || header.JoinLabels.Count == 0)
        {
            throw new InvalidOperationException($"Model file '{store.ActivePath(name)}': lists no query for some feature or no join labels; give the job features and join_labels");
        }

        return ([.. header.Features.Select(f => new FeatureQuery(f.Name, f.Query))], header.JoinLabels);
    }

    /// <summary>
    /// A forest reads its inputs by position: a job listing <paramref name="features"/> must list the model's features
    /// in the model's order. Any other detector, or a job without its own feature list, passes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The names, order or count differ.</exception>
    public static void EnsureFeaturesMatch(IDetector detector, IReadOnlyList<FeatureQuery>? features)
    {
        if (detector is IsolationForestDetector forest && features is not null
            && !features.Select(f => f.Name).SequenceEqual(forest.Model.Current.FeatureNames, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"features [{string.Join(", ", features.Select(f => f.Name))}] differ from model '{forest.Model.Name}' features [{string.Join(", ", forest.Model.Current.FeatureNames)}]; list them in the model's order or retrain");
        }
    }
}
