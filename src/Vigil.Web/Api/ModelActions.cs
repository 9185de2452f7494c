using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Models.Files;
using Vigil.Models.Lifecycle;
using Vigil.Models.Store;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Lifecycle;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Web.Api;

/// <summary>How a promotion or rollback ended; the API maps it to 200/404/409/503, the UI to a notice or a page.</summary>
public enum ModelActionOutcome
{
    Done = 0,
    UnknownJob = 1,
    NoModel = 2,
    Conflict = 3,
    StoreFailed = 4,
}

/// <summary>The answer of one action: what happened, a sentence for people, and the model now active when it succeeded.</summary>
public sealed record ModelActionResult(ModelActionOutcome Outcome, string Message, string? Model = null, ModelHeader? Active = null);

/// <summary>
/// Promote and rollback of a running job's model, for <c>POST /api/v1/models/{job}/…</c> and the Models page. The same
/// store operations as <c>vigil models promote|rollback</c>, but through the service's <see cref="ModelStoreProvider"/>,
/// so the running job's model handle is swapped at once (the next point scores with it) instead of at the next reload
/// check. A job with a lifecycle goes through it, so its shadow comparison, model age and counters stay true.
/// </summary>
internal sealed class ModelActions(IReadOnlyList<JobRunner> runners, IServiceProvider services, VigilMetrics metrics, ILogger<ModelActions> logger)
{
    public const string PromoteAction = "promote";

    public const string RollbackAction = "rollback";

    public ModelActionResult Promote(string job) => Run(job, PromoteAction, (provider, model) =>
    {
        if (!provider.Store.HasCandidate(model))
        {
            return null;
        }

        if (Lifecycle(job) is { } lifecycle)
        {
            return lifecycle.Promote(); // counted by the lifecycle loop when it next publishes
        }

        var file = provider.Promote(model);
        metrics.ModelPromotions.WithLabels(job).Inc();
        return file;
    });

    public ModelActionResult Rollback(string job, string? version) => Run(job, RollbackAction, (provider, model) =>
    {
        if (Lifecycle(job) is { } lifecycle)
        {
            return lifecycle.Rollback(version);
        }

        var file = provider.Rollback(model, version);
        metrics.ModelRollbacks.WithLabels(job).Inc();
        return file;
    });

    /// <summary>The model a job scores with, or null when the job does not use one (any detector but isolation_forest).</summary>
    public string? ModelOf(string job)
        => runners.FirstOrDefault(r => string.Equals(r.Name, job, StringComparison.Ordinal))?.Detector is IsolationForestDetector forest ? forest.Model.Name : null;

    private ModelLifecycle? Lifecycle(string job)
        => services.GetService<ModelLifecycles>()?.ByJob.GetValueOrDefault(job);

    private ModelActionResult Run(string job, string action, Func<ModelStoreProvider, string, ModelFile?> act)
    {
        if (runners.All(r => !string.Equals(r.Name, job, StringComparison.Ordinal)))
        {
            return new ModelActionResult(ModelActionOutcome.UnknownJob, $"no job '{job}' (jobs: {string.Join(", ", runners.Select(r => r.Name))})");
        }

        var provider = services.GetService<ModelStoreProvider>();
        if (ModelOf(job) is not { } model || provider is null)
        {
            return new ModelActionResult(ModelActionOutcome.NoModel, $"job '{job}' does not score with a model: only isolation_forest jobs over model_path have one");
        }

        ModelActionResult result;
        try
        {
            result = act(provider, model) is { } file
                ? new ModelActionResult(ModelActionOutcome.Done, action == PromoteAction ? $"{file.Header.Version} promoted: job '{job}' now scores with it" : $"rolled back to {file.Header.Version}: job '{job}' now scores with it", model, file.Header)
                : new ModelActionResult(ModelActionOutcome.Conflict, $"model '{model}' has no candidate to promote (train one with vigil train, or wait for the job's training)", model);
        }
        catch (ModelFileException ex)
        {
            // No earlier version, a corrupt candidate, features the running job cannot feed: the active model is untouched.
            result = new ModelActionResult(ModelActionOutcome.Conflict, $"model '{model}': {ex.Reason}", model);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            metrics.CountError(ErrorTypes.ModelLoad);
            result = new ModelActionResult(ModelActionOutcome.StoreFailed, $"model '{model}': the model store could not be written ({ex.Message})", model);
        }

        logger.ModelAction(action, job, result.Message);
        return result;
    }
}
