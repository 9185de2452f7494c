using Vigil.Configuration;
using Vigil.Pipeline.Jobs;
using Vigil.Prometheus;

namespace Vigil.Hosting;

/// <summary>
/// The start-up validation `run` and `config check` share, beyond what the YAML alone can tell: the jobs are created
/// (model files loaded, feature shapes checked) and every PromQL query is sent once to Prometheus, so a syntax error
/// stops start-up with the job's path instead of failing every cycle.
/// </summary>
public static class StartupChecks
{
    /// <summary>Creates the jobs as the first cycle would; the error (file and reason) or null.</summary>
    public static string? CreateJobs(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            _ = services.GetRequiredService<IReadOnlyList<DetectionJob>>();
            return null;
        }
        catch (Exception ex) when (ex is ConfigException or JobStartException)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// One instant query per Prometheus query. <c>Rejected</c>: queries Prometheus refuses (<c>bad_data</c>), with
    /// their path. <c>Unreachable</c>: why Prometheus could not be asked (the remaining queries are then not tried).
    /// </summary>
    public static async Task<(IReadOnlyList<string> Rejected, string? Unreachable)> CheckQueriesAsync(VigilOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        var rejected = new List<string>();
        if (options.Prometheus is null || services.GetService<PrometheusClient>() is not { } client)
        {
            return (rejected, null);
        }

        for (var i = 0; i < options.Jobs.Count; i++)
        {
            var job = options.Jobs[i];
            if (job.Source != JobSource.Prometheus)
            {
                continue;
            }

            var queries = job.Features is { } features
                ? features.Select((f, j) => ($"jobs[{i}].features[{j}].query", f.Query))
                : [($"jobs[{i}].query", job.Query)];
            foreach (var (path, query) in queries.Where(q => !string.IsNullOrWhiteSpace(q.Item2)))
            {
                try
                {
                    await client.QueryAsync(query, null, cancellationToken);
                }
                catch (PrometheusApiException ex) when (ex.ApiErrorType == "bad_data")
                {
                    rejected.Add($"{path}: Prometheus rejects the query: {ex.ApiError}");
                }
                catch (PrometheusApiException)
                {
                    // Execution errors and timeouts depend on the data at this instant, not on the query's syntax: the cycles report them.
                    continue;
                }
                catch (PrometheusException ex)
                {
                    return (rejected, $"sources.prometheus.url: cannot reach Prometheus at {options.Prometheus.BaseUrl}: {ex.Message}");
                }
            }
        }

        return (rejected, null);
    }
}
