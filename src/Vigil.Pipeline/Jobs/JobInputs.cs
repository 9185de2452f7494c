using Vigil.Core.Sources;
using Vigil.Exposition;
using Vigil.Models.Serving;
using Vigil.Models.Store;

namespace Vigil.Pipeline.Jobs;

/// <summary>What a job reads each cycle; shared by the service and <c>vigil backtest</c>, so a backtest reads exactly what the live job reads.</summary>
public static class JobInputs
{
    /// <summary>
    /// The job's query, or its feature queries joined on the join labels. An isolation_forest job without queries reads
    /// the ones its active model's file lists (<paramref name="models"/> is only asked then).
    /// </summary>
    public static IJobInput Create(JobOptions job, IMetricSource source, Func<ModelStore> models, CounterFamily skipped)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(models);
        var features = job.Features;
        var joinLabels = job.JoinLabels;
        if (features is null && job.Query.Length == 0)
        {
            (features, joinLabels) = ModelServing.QueriesOf(models(), ModelName(job));
        }

        return features is null
            ? new QueryInput(source, job.Query)
            : new JoinedQueryInput(source, features, joinLabels, skipped, job.Name);
    }

    /// <summary>The model a job serves: its detector's <c>model</c> parameter, else the job's name.</summary>
    public static string ModelName(JobOptions job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Detector.Parameters.TryGetValue("model", out var model) ? model.Trim() : job.Name;
    }
}
